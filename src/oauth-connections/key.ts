const MAX_LENGTH = 60
const FALLBACK = 'oauth-connection'

/**
 * A URL-safe key made from the name, as Rails' `parameterize` does ("Salesforce CRM" →
 * "salesforce-crm"), made unique by a numbered suffix ("salesforce-crm-2").
 */
export function uniqueKey(
  name: string | null | undefined,
  isTaken: (key: string) => boolean,
  nextSuffixes?: Map<string, number>,
): string {
  const base = slugOf(name ?? '') || FALLBACK
  if (!isTaken(base)) return base

  // Given `nextSuffixes`, the search starts where the last one for this base ended, so that
  // the thousandth "Test" costs one look-up, not a thousand.
  let suffix = nextSuffixes?.get(base) ?? 2
  while (isTaken(`${base}-${suffix}`)) suffix++
  nextSuffixes?.set(base, suffix + 1)
  return `${base}-${suffix}`
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
