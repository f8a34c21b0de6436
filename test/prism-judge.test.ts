// Proof that the judge of `npm run contract` bites: a deliberately broken API behind the Prism
// proxy helper must fail with Prism's own message, and a correct one must not.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import test from 'ava'

import {
  judge,
  PrismViolation,
  startPrismProxy,
  type PrismProxy,
} from '../contract-tests/_prism.ts'

const API = '/api/v1/oauth_connections'
const AUTH = { authorization: `Basic ${Buffer.from('judge:test').toString('base64')}` }

/** A valid stored record: the first fixture, without the write-only fields. */
const RECORD = (() => {
  const file = new URL('../fixtures/oauth_connections.json', import.meta.url)
  const [first] = JSON.parse(readFileSync(file, 'utf8'))
  const { client_secret: _secret, access_token: _token, ...record } = first
  return record as Record<string, unknown>
})()

const { uuid: _uuid, ...WITHOUT_UUID } = RECORD

/** What the broken API answers, by path and query: status and JSON body. */
const ANSWERS: Record<string, [number, unknown]> = {
  [`${API}/1`]: [200, { oauth_connection: RECORD }],
  [`${API}/2`]: [200, { oauth_connection: WITHOUT_UUID }],
  [`${API}/3`]: [200, { oauth_connection: { ...RECORD, client_secret: 'leaked' } }],
  [`${API}/4`]: [404, { error: 'not here' }],
  [`${API}/5`]: [404, { status: 404, error: 'Not Found', message: 'No such record.' }],
  [`${API}?per_page=5000`]: [200, { oauth_connections: [], metadata: metadata() }],
  // The harness's check that a deployment answers, before any test.
  [`${API}?per_page=1`]: [200, { oauth_connections: [], metadata: metadata() }],
  [`${API}?per_page=5001`]: [422, { status: 422, error: 'Unprocessable Entity', message: 'No.' }],
}

function metadata() {
  return { page: 1, per_page: 5000, total_count: 0, total_pages: 0 }
}

let broken: Server
let brokenUrl: string
let proxy: PrismProxy

test.before(async () => {
  broken = createServer((request, response) => {
    const [status, body] = ANSWERS[request.url ?? ''] ?? [500, { oops: true }]
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve))
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`
  proxy = await startPrismProxy(brokenUrl)
})

test.after.always(async () => {
  await proxy?.close()
  await new Promise((resolve) => broken?.close(resolve))
})

/** One GET through the proxy, then Prism's verdict on it, as the contract harness asks for. */
async function judged(prism: PrismProxy, path: string): Promise<number> {
  const response = await fetch(`${prism.url}${path}`, { headers: AUTH })
  const text = await response.text()
  prism.judge({ method: 'GET', path, status: response.status, headers: response.headers, text })
  return response.status
}

test('Prism passes a show that matches openapi.yaml', async (t) => {
  t.is(await judged(proxy, `${API}/1`), 200)
})

test('Prism passes a 404 in the declared error envelope', async (t) => {
  t.is(await judged(proxy, `${API}/5`), 404)
})

test('Prism fails a show whose record lacks uuid, with its message', async (t) => {
  const error = await t.throwsAsync(judged(proxy, `${API}/2`), { instanceOf: PrismViolation })

  t.regex(error!.message, /GET \/api\/v1\/oauth_connections\/2 → 200 breaks openapi\.yaml/)
  t.regex(error!.message, /response\.body\.oauth_connection.*must have required property 'uuid'/)
})

test('Prism fails a show that answers client_secret, with its message', async (t) => {
  const error = await t.throwsAsync(judged(proxy, `${API}/3`), { instanceOf: PrismViolation })

  t.regex(error!.message, /response\.body\.oauth_connection.*must NOT have additional properties/)
})

test('Prism fails a 404 that is not the error envelope', async (t) => {
  const error = await t.throwsAsync(judged(proxy, `${API}/4`), { instanceOf: PrismViolation })

  t.regex(error!.message, /response\.body.*must have required property 'status'/)
})

test('Prism fails a list that accepts per_page=5000 with 200', async (t) => {
  const error = await t.throwsAsync(judged(proxy, `${API}?per_page=5000`))

  t.regex(error!.message, /request\.query\.per_page.*must be <= 1000/)
})

test('Prism passes a list that refuses per_page=5001 with 422', async (t) => {
  t.is(await judged(proxy, `${API}?per_page=5001`), 422)
})

test('Prism with --errors answers a broken show itself with 500 VIOLATIONS', async (t) => {
  const strict = await startPrismProxy(brokenUrl, { errors: true })
  t.teardown(() => strict.close())

  const error = await t.throwsAsync(judged(strict, `${API}/2`), { instanceOf: PrismViolation })

  t.regex(error!.message, /Prism answered GET \S+ → 500 itself: VIOLATIONS/)
  t.regex(error!.message, /must have required property 'uuid'/)
})

test('the contract harness fails a broken show with Prism message', async (t) => {
  process.env.CONTRACT_BASE_URL = brokenUrl
  process.env.CONTRACT_VIA_PRISM = '1'
  const { startTarget } = await import('../contract-tests/_harness.ts')
  const target = await startTarget()
  t.teardown(() => target.close())

  const error = await t.throwsAsync(target.request('GET', `${API}/3`))

  t.regex(error!.message, /^Prism: GET \/api\/v1\/oauth_connections\/3 → 200 breaks openapi/)
  t.regex(error!.message, /must NOT have additional properties/)
})

test('judge passes an answer without sl-violations', (t) => {
  const exchange = { method: 'GET', path: API, status: 200, headers: new Headers(), text: '[]' }

  t.deepEqual(judge(exchange), [])
})
