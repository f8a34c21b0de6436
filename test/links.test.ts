import test from 'ava'

import { linkHeader } from '../src/http/links.ts'
import { knownQueryNames } from '../src/http/parameters.ts'
import type { Metadata } from '../src/oauth-connections/types.ts'
import { loadSpec } from '../src/spec/spec.ts'

const LIST = '/api/v1/oauth_connections'
const list = loadSpec().operations.find((found) => found.operationId === 'listOauthConnections')!
const keep = knownQueryNames(list)

function metadata(page: number, totalPages: number, perPage = 10): Metadata {
  return { page, per_page: perPage, total_count: totalPages * perPage, total_pages: totalPages }
}

/** Each link of the header by its rel, as it was written. */
function linksOf(header: string): Map<string, string> {
  const links = new Map<string, string>()
  for (const part of header.split(', ')) {
    const [, target, rel] = /^<([^>]*)>; rel="([a-z]+)"$/.exec(part) ?? []
    if (!target) throw new Error(`not a link: ${part}`)
    links.set(rel, target)
  }
  return links
}

/** The page each rel points to. */
function pagesOf(header: string): Record<string, number> {
  const pages: Record<string, number> = {}
  for (const [rel, target] of linksOf(header)) {
    pages[rel] = Number(new URL(target, 'http://x').searchParams.getAll('page').join())
  }
  return pages
}

const cases: [string, number, number, Record<string, number>][] = [
  ['the only page', 1, 1, { first: 1, last: 1 }],
  ['an empty list', 1, 0, { first: 1, last: 1 }],
  ['the first page', 1, 3, { first: 1, next: 2, last: 3 }],
  ['a middle page', 2, 3, { first: 1, prev: 1, next: 3, last: 3 }],
  ['the last page', 3, 3, { first: 1, prev: 2, last: 3 }],
  ['a page past the end', 7, 3, { first: 1, prev: 3, last: 3 }],
  ['a page past the end of an empty list', 4, 0, { first: 1, prev: 1, last: 1 }],
]

for (const [name, page, totalPages, expected] of cases) {
  const rels = Object.keys(expected).join(', ')
  test(`linkHeader links ${name} (page ${page} of ${totalPages}) to ${rels}`, (t) => {
    const url = new URL(`http://mock.invalid${LIST}?page=${page}&per_page=10`)

    const header = linkHeader(url, metadata(page, totalPages), keep)

    t.deepEqual(pagesOf(header), expected)
  })
}

test('linkHeader writes links relative to the host, in the order first, prev, next, last', (t) => {
  const url = new URL(`http://mock.invalid${LIST}?page=2`)

  const header = linkHeader(url, metadata(2, 3), keep)

  t.deepEqual([...linksOf(header).keys()], ['first', 'prev', 'next', 'last'])
  for (const target of linksOf(header).values()) t.true(target.startsWith(`${LIST}?`), target)
})

test('linkHeader keeps the list parameters and replaces page', (t) => {
  const url = new URL(
    `http://mock.invalid${LIST}?page=2&per_page=10&fulltext=crm+sales&ids%5B%5D=1&ids%5B%5D=2` +
      '&time_zone=Eastern+Time+(US+%26+Canada)&columns=id,name&root=false',
  )

  const header = linkHeader(url, metadata(2, 3), keep)

  const next = new URL(linksOf(header).get('next')!, 'http://x').searchParams
  t.deepEqual(next.getAll('page'), ['3'])
  t.is(next.get('per_page'), '10')
  t.is(next.get('fulltext'), 'crm sales')
  t.deepEqual(next.getAll('ids[]'), ['1', '2'])
  t.is(next.get('time_zone'), 'Eastern Time (US & Canada)')
  t.is(next.get('columns'), 'id,name')
  t.is(next.get('root'), 'false')
})

test('linkHeader never repeats a parameter the list does not declare', (t) => {
  const url = new URL(
    `http://mock.invalid${LIST}?page=1&client_secret=s3cret&access_token=t0ken` +
      '&client_secret%5B%5D=s3cret2&api_key=k3y&per_page=5',
  )

  const header = linkHeader(url, metadata(1, 4, 5), keep)

  t.false(/s3cret|t0ken|k3y/.test(header), header)
  t.false(/client_secret|access_token|api_key/.test(header), header)
  t.regex(header, /per_page=5/)
})
