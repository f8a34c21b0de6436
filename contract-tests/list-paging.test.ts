import test from 'ava'

import {
  assertContract,
  assertFullRecord,
  type Answer,
  writeTest,
  useTarget,
  taggedLister,
  uniqueTag,
} from './_harness.ts'

const target = useTarget()
const list = taggedLister(target)

/** Creates `count` records a minute apart, oldest first; answers them newest first. */
async function createRecords(tag: string, count: number): Promise<any[]> {
  const records = []
  for (let index = 0; index < count; index++) {
    const minute = String(index).padStart(2, '0')
    records.push(
      await target.create({ name: `${tag} ${index}`, created_at: `2021-06-01T10:${minute}:00Z` }),
    )
  }
  return records.reverse()
}

function idsOf(records: any[]): number[] {
  return records.map((record) => record.id)
}

/** The Link header's targets by relation type (RFC 8288: one link may carry several). */
function linksOf(answer: Answer): Record<string, string> {
  const links: Record<string, string> = {}
  for (const link of (answer.headers.get('link') ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link)
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match?.[2] ?? '')
    if (!match || !rel) continue
    for (const name of (rel[1] ?? rel[2]).trim().split(/\s+/)) links[name.toLowerCase()] = match[1]
  }
  return links
}

function pageOf(link: string): number {
  return Number(new URL(link, target.baseUrl).searchParams.get('page'))
}

/** Requests a link target, which may be absolute or relative to the host. */
function follow(link: string): Promise<Answer> {
  const url = new URL(link, target.baseUrl)
  return target.request('GET', `${url.pathname}${url.search}`)
}

writeTest(
  'GET /oauth_connections answers full records in the root node with metadata',
  async (t) => {
    const tag = uniqueTag('envelope')
    const created = await createRecords(tag, 2)

    const answer = await list(tag)

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(Object.keys(answer.body).sort(), ['metadata', 'oauth_connections'])
    t.deepEqual(answer.body.oauth_connections, created)
    for (const record of answer.body.oauth_connections) assertFullRecord(t, record)
    t.deepEqual(answer.body.metadata, { page: 1, per_page: 25, total_count: 2, total_pages: 1 })
  },
)

writeTest(
  'GET /oauth_connections lists newest created_at first, then higher id first',
  async (t) => {
    const tag = uniqueTag('order')
    const newest = await target.create({
      name: `${tag} newest`,
      created_at: '2021-06-03T00:00:00Z',
    })
    const tiedLow = await target.create({ name: `${tag} tied`, created_at: '2021-06-01T00:00:00Z' })
    const tiedHigh = await target.create({
      name: `${tag} tied`,
      created_at: '2021-06-01T00:00:00Z',
    })
    const oldest = await target.create({
      name: `${tag} oldest`,
      created_at: '2021-05-01T00:00:00Z',
    })
    const middle = await target.create({
      name: `${tag} middle`,
      created_at: '2021-06-02T00:00:00Z',
    })

    const answer = await list(tag)

    assertContract(t, 'listOauthConnections', answer, 200)
    t.true(tiedHigh.id > tiedLow.id)
    t.deepEqual(
      idsOf(answer.body.oauth_connections),
      idsOf([newest, middle, tiedHigh, tiedLow, oldest]),
    )
  },
)

writeTest('GET /oauth_connections answers 25 records a page by default', async (t) => {
  const tag = uniqueTag('default')
  const created = await createRecords(tag, 26)

  const answer = await list(tag)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), idsOf(created.slice(0, 25)))
  t.deepEqual(answer.body.metadata, { page: 1, per_page: 25, total_count: 26, total_pages: 2 })
})

writeTest('GET /oauth_connections with page and per_page answers that slice', async (t) => {
  const tag = uniqueTag('slice')
  const created = await createRecords(tag, 5)

  const answer = await list(tag, { page: 2, per_page: 2 })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), idsOf(created.slice(2, 4)))
  t.deepEqual(answer.body.metadata, { page: 2, per_page: 2, total_count: 5, total_pages: 3 })
})

for (const perPage of [1, 1000]) {
  writeTest(
    `GET /oauth_connections with per_page=${perPage} answers that many at most`,
    async (t) => {
      const tag = uniqueTag(`per page ${perPage}`)
      const created = await createRecords(tag, 2)

      const answer = await list(tag, { per_page: perPage })

      assertContract(t, 'listOauthConnections', answer, 200)
      t.deepEqual(idsOf(answer.body.oauth_connections), idsOf(created.slice(0, perPage)))
      t.is(answer.body.metadata.per_page, perPage)
      t.is(answer.body.metadata.total_pages, Math.ceil(2 / perPage))
    },
  )
}

writeTest('GET /oauth_connections past the last page answers [] and true metadata', async (t) => {
  const tag = uniqueTag('past the end')
  await createRecords(tag, 3)

  const answer = await list(tag, { page: 5, per_page: 2 })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(answer.body.oauth_connections, [])
  t.deepEqual(answer.body.metadata, { page: 5, per_page: 2, total_count: 3, total_pages: 2 })
})

writeTest(
  'GET /oauth_connections with root=false answers a bare array, X-Total-Count',
  async (t) => {
    const tag = uniqueTag('bare')
    const created = await createRecords(tag, 5)

    const answer = await list(tag, { root: 'false', page: 2, per_page: 2 })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.true(Array.isArray(answer.body))
    t.deepEqual(answer.body, created.slice(2, 4))
    for (const record of answer.body) assertFullRecord(t, record)
    t.is(answer.headers.get('x-total-count'), '5')
  },
)

const linkPages: [number, Record<string, number>][] = [
  [1, { first: 1, next: 2, last: 3 }],
  [2, { first: 1, prev: 1, next: 3, last: 3 }],
  [3, { first: 1, prev: 2, last: 3 }],
]

for (const [page, expected] of linkPages) {
  const rels = Object.keys(expected).join(', ')
  writeTest(
    `GET /oauth_connections with root=false on page ${page} of 3 links ${rels}`,
    async (t) => {
      const tag = uniqueTag(`links ${page}`)
      await createRecords(tag, 5)

      const answer = await list(tag, { root: 'false', page, per_page: 2 })

      assertContract(t, 'listOauthConnections', answer, 200)
      const links = linksOf(answer)
      t.deepEqual(Object.keys(links).sort(), Object.keys(expected).sort())
      for (const [rel, link] of Object.entries(links)) t.is(pageOf(link), expected[rel], rel)
    },
  )
}

writeTest('GET /oauth_connections following the next links walks every page once', async (t) => {
  const tag = uniqueTag('walk')
  const created = await createRecords(tag, 5)

  const answers = [await list(tag, { root: 'false', per_page: 2 })]
  while (linksOf(answers[answers.length - 1]).next && answers.length < 5) {
    answers.push(await follow(linksOf(answers[answers.length - 1]).next))
  }

  for (const answer of answers) assertContract(t, 'listOauthConnections', answer, 200)
  const pages = answers.map((answer) => idsOf(answer.body))
  t.deepEqual(pages, [created.slice(0, 2), created.slice(2, 4), created.slice(4)].map(idsOf))
})

const badPaging: [string, string][] = [
  ['page', 'abc'],
  ['page', '1.5'],
  ['page', '0x10'],
  ['page', '0'],
  ['page', '-1'],
  ['per_page', 'abc'],
  ['per_page', '1.5'],
  ['per_page', '0x10'],
  ['per_page', '0'],
  ['per_page', '-1'],
  ['per_page', '1001'],
]

for (const [name, value] of badPaging) {
  test(`GET /oauth_connections with ${name}=${value} answers 422 naming ${name}`, async (t) => {
    const tag = uniqueTag(`bad ${name}`)

    const answer = await list(tag, { [name]: value })

    assertContract(t, 'listOauthConnections', answer, 422)
    t.deepEqual([...new Set(answer.body.errors?.map((error: any) => error.parameter))], [name])
  })
}
