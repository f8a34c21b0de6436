import type { Metadata } from '../oauth-connections/types.ts'

/**
 * An RFC 8288 Link header for a page of a list: first and last always, prev and next where
 * they exist, each target relative to the host. Each link is the request's own URL with `page` changed and only the operation's
 * own parameters kept, so that nothing else a client sent (a secret, say) is echoed back.
 */
export function linkHeader(url: URL, metadata: Metadata, keep: ReadonlySet<string>): string {
  const last = Math.max(metadata.total_pages, 1)
  const links: [string, number][] = [['first', 1]]

  if (metadata.page > 1) links.push(['prev', Math.min(metadata.page - 1, last)])
  if (metadata.page < last) links.push(['next', metadata.page + 1])
  links.push(['last', last])

  const base = new URL(url.pathname, url)
  for (const [name, value] of url.searchParams) {
    if (keep.has(name.replace(/\[.*$/, '')) && name !== 'page')
      base.searchParams.append(name, value)
  }
  return links.map(([rel, page]) => `<${pageUrl(base, page)}>; rel="${rel}"`).join(', ')
}

function pageUrl(base: URL, page: number): string {
  const url = new URL(base)
  url.searchParams.set('page', String(page))
  return `${url.pathname}${url.search}`
}
