const MAX_LENGTH = 60
const FALLBACK = 'oauth-connection'

/**
 * A URL-safe key made from the name, as Rails' `parameterize` does ("Salesforce CRM" →
 * "salesforce-crm"), made unique by a numbered suffix ("salesforce-crm-2").
 */
export function uniqueKey(
  name: string | null | undefined,
  isTaken: (key: string) => boolean,
): string {
  const base = slugOf(name ?? '') || FALLBACK
  let key = base

  for (let suffix = 2; isTaken(key); suffix++) key = `${base}-${suffix}`
  return key
}

function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_LENGTH)
    .replace(/-+$/, '')
}
