// Limits and timeouts: what a client too big or too slow gets. A body over 1 MiB is refused
// from its Content-Length before it is read, a long URL or oversized headers get their own
// status in the error envelope, a stalled client loses its socket, and per_page stops at 1000.
import test from 'ava'

import { createMockServer, type MockServer } from '../src/server.ts'
import {
  API,
  describe,
  envelopeProblems,
  envelopeProblemsOf,
  parseRaw,
  rawExchange,
  send,
} from './_client.ts'

const BODY_LIMIT = 1024 * 1024
/** The server's headersTimeout is 10 s; the socket must be gone well before this. */
const STALL_DEADLINE_MS = 15_000
/** An answer to a request that can be refused from its headers alone comes this fast. */
const PROMPT_MS = 3_000

let server: MockServer
let base: string

test.before(async () => {
  server = createMockServer({ port: 0, logLevel: 'silent' })
  base = await server.listen()
})

test.after.always(async () => {
  await server?.close()
})

/** The head of a request that announces `length` bytes of body, and the first few of them. */
function announce(method: string, path: string, type: string, length: number): string {
  return (
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n` +
    `Content-Length: ${length}\r\n\r\n{"na`
  )
}

const ANNOUNCED: [string, string, string][] = [
  ['POST', API, 'application/json'],
  ['POST', API, 'application/x-www-form-urlencoded'],
  ['PUT', `${API}/1`, 'application/json'],
  ['PATCH', `${API}/1`, 'application/x-www-form-urlencoded'],
]

for (const [method, path, type] of ANNOUNCED) {
  test(`${method} ${path} announcing 2 MiB of ${type} answers 413 before the body`, async (t) => {
    const outcome = await rawExchange(
      base,
      announce(method, path, type, 2 * BODY_LIMIT),
      PROMPT_MS,
      true,
    )

    const answer = parseRaw(outcome.received)
    t.truthy(answer?.complete, `no whole answer within ${PROMPT_MS} ms: ${outcome.received}`)
    t.is(answer?.status, 413, outcome.received)
    t.deepEqual(envelopeProblems(413, answer?.headers['content-type'], answer?.json), [])
  })
}

test('GET list with a 9 KiB URL answers 414 in the error envelope', async (t) => {
  const answer = await send(base, { method: 'GET', path: `${API}?fulltext=${'a'.repeat(9216)}` })

  t.is(answer.status, 414, describe(answer))
  t.deepEqual(envelopeProblemsOf(answer), [])
})

test('GET list with 17 KiB of headers answers 431 in the error envelope', async (t) => {
  const headers = { 'x-padding': 'a'.repeat(17 * 1024) }

  const answer = await send(base, { method: 'GET', path: API, headers })

  t.is(answer.status, 431, describe(answer))
  t.deepEqual(envelopeProblemsOf(answer), [])
})

const STALLS: [string, string][] = [
  ['half a request line', 'GET /api/v1/oauth_conn'],
  ['a request line and half its headers', `GET ${API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAcc`],
]

for (const [what, text] of STALLS) {
  test(`a client that sends ${what} and stalls loses its socket within 15 s`, async (t) => {
    const outcome = await rawExchange(base, text, STALL_DEADLINE_MS)

    t.true(outcome.closed, `socket still open after ${outcome.elapsedMs} ms`)
    const answer = parseRaw(outcome.received)
    if (answer) {
      t.is(answer.status, 408, outcome.received)
      t.deepEqual(envelopeProblems(408, answer.headers['content-type'], answer.json), [])
    }
    t.log(`closed after ${outcome.elapsedMs} ms, answered ${answer?.status ?? 'nothing'}`)
  })
}

test('GET list with per_page=1001 answers 422 naming per_page', async (t) => {
  const answer = await send(base, { method: 'GET', path: `${API}?per_page=1001` })

  t.is(answer.status, 422, describe(answer))
  t.deepEqual(envelopeProblemsOf(answer), [])
  t.deepEqual(
    answer.json?.errors?.map((problem: { parameter: string }) => problem.parameter),
    ['per_page'],
  )
})

test('GET list with per_page=1000 answers 200', async (t) => {
  const answer = await send(base, { method: 'GET', path: `${API}?per_page=1000` })

  t.is(answer.status, 200, describe(answer))
})
