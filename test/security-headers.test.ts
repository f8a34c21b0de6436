// Every answer of the API carries X-Content-Type-Options: nosniff and Cache-Control: no-store:
// successes, client errors, unknown paths, wrong methods, and the answers Node itself writes
// for requests Koa never sees (oversized headers, broken HTTP).
import test from 'ava'

import { createMockServer, type MockServer } from '../src/server.ts'
import { API, describe, parseRaw, rawExchange, send, type Sent } from './_client.ts'

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }

let servers: MockServer[] = []
let base: string
let authBase: string

test.before(async () => {
  servers = [
    createMockServer({ port: 0, logLevel: 'silent' }),
    createMockServer({ port: 0, logLevel: 'silent', auth: { publicKey: 'pub', privateKey: 'p' } }),
  ]
  ;[base, authBase] = await Promise.all(servers.map((server) => server.listen()))
})

test.after.always(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

const json = (method: string, path: string, body: string): Sent => ({
  method,
  path,
  headers: { 'content-type': 'application/json' },
  body,
})

const ANSWERS: [string, number, Sent][] = [
  ['GET list', 200, { method: 'GET', path: API }],
  ['GET new', 200, { method: 'GET', path: `${API}/new` }],
  ['POST create', 201, json('POST', API, '{"name":"Headers"}')],
  ['GET show', 200, { method: 'GET', path: `${API}/3` }],
  ['PATCH update', 200, json('PATCH', `${API}/3`, '{"name":"Headers"}')],
  ['DELETE destroy', 200, { method: 'DELETE', path: `${API}/4` }],
  ['POST create with malformed JSON', 400, json('POST', API, '{"name":')],
  ['GET an unknown path', 404, { method: 'GET', path: '/nothing/here' }],
  ['GET show of an unknown id', 404, { method: 'GET', path: `${API}/999999` }],
  ['PUT on the list path', 405, { method: 'PUT', path: API }],
  ['POST create over 1 MiB', 413, json('POST', API, `"${'x'.repeat(1024 * 1024 + 1)}"`)],
  [
    'GET list with a 9 KiB URL',
    414,
    { method: 'GET', path: `${API}?fulltext=${'a'.repeat(9216)}` },
  ],
  [
    'POST create as text/plain',
    415,
    { ...json('POST', API, 'x'), headers: { 'content-type': 'text/plain' } },
  ],
  ['GET list with per_page=0', 422, { method: 'GET', path: `${API}?per_page=0` }],
  [
    'GET list with 17 KiB of headers',
    431,
    { method: 'GET', path: API, headers: { 'x-pad': 'a'.repeat(17 * 1024) } },
  ],
]

for (const [what, status, sent] of ANSWERS) {
  test(`${what} answers ${status} with nosniff and no-store`, async (t) => {
    const answer = await send(base, sent)

    t.is(answer.status, status, describe(answer))
    t.like(answer.headers, SECURITY_HEADERS)
  })
}

test('GET list without credentials, auth on, answers 401 with nosniff and no-store', async (t) => {
  const answer = await send(authBase, { method: 'GET', path: API })

  t.is(answer.status, 401, describe(answer))
  t.like(answer.headers, SECURITY_HEADERS)
})

test('a request that is not HTTP answers 400 with nosniff and no-store', async (t) => {
  const outcome = await rawExchange(base, 'NOT HTTP AT ALL\r\n\r\n', 3000, true)

  const answer = parseRaw(outcome.received)
  t.is(answer?.status, 400, outcome.received)
  t.like(answer?.headers, SECURITY_HEADERS)
})
