import { STATUS_CODES } from 'node:http'

import test, { type ExecutionContext } from 'ava'

import {
  API,
  assertContract,
  type Answer,
  type RequestOptions,
  writeTest,
  useTarget,
  sendCleaningUp,
} from './_harness.ts'

const target = useTarget()

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }
const OVER_A_MEBIBYTE = 'x'.repeat(1024 * 1024 + 1)
const GZIP = { ...JSON_TYPE, 'content-encoding': 'gzip' }
const ODD_CHARSET = { 'content-type': 'application/json; charset=x-unknown-99' }
const ENVELOPE_KEYS = ['status', 'error', 'message', 'errors']

/** For a status the spec does not declare: the one error envelope, checked by hand. */
function assertEnvelope(t: ExecutionContext, answer: Answer, status: number): void {
  t.is(answer.status, status, answer.text.slice(0, 500))
  t.is(answer.body?.status, answer.status)
  t.is(answer.body?.error, STATUS_CODES[answer.status])
  t.is(typeof answer.body?.message, 'string')
  t.true(answer.body?.message.length > 0, 'message is empty')
  t.deepEqual(
    Object.keys(answer.body ?? {}).filter((key) => !ENVELOPE_KEYS.includes(key)),
    [],
  )
}

function send(t: ExecutionContext, method: string, path: string, options?: RequestOptions) {
  return sendCleaningUp(target, t, method, path, options)
}

/** The write operations: create, and both updates of a record of the test's own. */
const WRITES: [string, string, (t: ExecutionContext) => Promise<string>][] = [
  ['POST /oauth_connections', 'createOauthConnection', async () => API],
  ['PUT /oauth_connections/:id', 'updateOauthConnection', recordPath],
  ['PATCH /oauth_connections/:id', 'patchOauthConnection', recordPath],
]

async function recordPath(t: ExecutionContext): Promise<string> {
  const record = await target.create({ name: `Errors ${t.title.slice(0, 40)}` })
  return `${API}/${record.id}`
}

for (const [route, operationId, pathOf] of WRITES) {
  const method = route.split(' ')[0]

  writeTest(`${route} with malformed JSON answers 400 without quoting the body`, async (t) => {
    const path = await pathOf(t)

    const answer = await send(t, method, path, {
      raw: '{"client_secret": "leak-me"',
      headers: JSON_TYPE,
    })

    assertContract(t, operationId, answer, 400)
    t.false(answer.text.includes('leak-me'), answer.text)
  })

  writeTest(`${route} with a text/plain body answers 415`, async (t) => {
    const path = await pathOf(t)

    const answer = await send(t, method, path, {
      raw: 'name=plain',
      headers: { 'content-type': 'text/plain' },
    })

    assertContract(t, operationId, answer, 415)
  })

  writeTest(`${route} with a JSON body over 1 MiB answers 413`, async (t) => {
    const path = await pathOf(t)

    const answer = await send(t, method, path, {
      json: { name: `${target.prefix} ${OVER_A_MEBIBYTE}` },
    })

    assertContract(t, operationId, answer, 413)
  })

  writeTest(`${route} with a JSON array body answers 422`, async (t) => {
    const path = await pathOf(t)

    const answer = await send(t, method, path, { json: [{ name: `${target.prefix} Array` }] })

    assertContract(t, operationId, answer, 422)
  })

  for (const json of ['null', '123', 'true', '"text"']) {
    writeTest(`${route} with the JSON body ${json} answers 422, not 400`, async (t) => {
      const path = await pathOf(t)
      const headers = { 'content-type': 'application/json' }

      const answer = await send(t, method, path, { raw: json, headers })

      assertContract(t, operationId, answer, 422)
      t.regex(answer.body.message, /must be an object/)
    })
  }
}

writeTest('POST /oauth_connections with a form body over 1 MiB answers 413', async (t) => {
  const form = { name: `${target.prefix} ${OVER_A_MEBIBYTE}` }

  const answer = await send(t, 'POST', API, { form })

  assertContract(t, 'createOauthConnection', answer, 413)
})

for (const path of ['/api/v1/nope', '/']) {
  test(`GET ${path} answers 404 in the error envelope`, async (t) => {
    const headers = { accept: 'application/json' }

    const answer = await target.request('GET', path, { headers })

    assertEnvelope(t, answer, 404)
  })
}

writeTest('DELETE /oauth_connections answers 405 with an Allow of GET and POST', async (t) => {
  const path = API

  const answer = await target.request('DELETE', path)

  assertEnvelope(t, answer, 405)
  const allowed = (answer.headers.get('allow') ?? '').split(/,\s*/)
  t.true(allowed.includes('GET'), `Allow: ${allowed}`)
  t.true(allowed.includes('POST'), `Allow: ${allowed}`)
  t.false(allowed.includes('DELETE'), `Allow: ${allowed}`)
})

/** Odd requests of every kind: each must answer a client error or success, never a 5xx. */
const ODD: [string, string, string, RequestOptions][] = [
  ['a JSON null body', 'POST', API, { raw: 'null', headers: JSON_TYPE }],
  ['a JSON string body', 'POST', API, { raw: '"text"', headers: JSON_TYPE }],
  ['a JSON number body', 'POST', API, { raw: '42', headers: JSON_TYPE }],
  ['oauth_connection as text', 'POST', API, { json: { oauth_connection: 'text' } }],
  ['oauth_connection as null', 'POST', API, { json: { oauth_connection: null } }],
  ['oauth_connection as a list', 'POST', API, { json: { oauth_connection: [1, 2] } }],
  ['a __proto__ key', 'POST', API, { raw: '{"__proto__":{"name":1}}', headers: JSON_TYPE }],
  ['a constructor key', 'POST', API, { json: { constructor: { prototype: { name: 1 } } } }],
  ['a deeply nested form', 'POST', API, { form: { 'name[a][b][c][d][e][f][g]': '1' } }],
  ['a form list', 'POST', API, { form: { 'name[]': 'a' } }],
  ['broken percent-encoding', 'POST', API, { raw: 'name=%E0%A4%A', headers: FORM_TYPE }],
  ['a gzip body that is not', 'POST', API, { raw: '{}', headers: GZIP }],
  ['an unknown charset', 'POST', API, { raw: '{}', headers: ODD_CHARSET }],
  ['an empty JSON body', 'POST', API, { raw: '', headers: JSON_TYPE }],
  ['expires_in 1e999', 'POST', API, { json: { expires_in: '1e999' } }],
  ['a huge id', 'GET', `${API}/99999999999999999999999`, {}],
  ['a bare percent id', 'GET', `${API}/%`, {}],
  ['a broken percent id', 'PUT', `${API}/%E0%A4%A`, { json: { name: 'x' } }],
  ['ids=abc', 'GET', API, { query: { ids: 'abc' } }],
  ['page=0 and per_page=100000', 'GET', API, { query: { page: 0, per_page: 100000 } }],
  ['a huge page', 'GET', API, { query: { page: '99999999999999999999' } }],
  ['created_at_from=2024-02-30', 'GET', API, { query: { created_at_from: '2024-02-30' } }],
  ['time_zone=Mars/Olympus', 'GET', API, { query: { time_zone: 'Mars/Olympus' } }],
  ['columns=bogus', 'GET', API, { query: { columns: 'bogus' } }],
  ['root=maybe', 'GET', API, { query: { root: 'maybe' } }],
  ['fulltext as an object', 'GET', API, { query: { 'fulltext[a]': '1' } }],
  ['a nested new field', 'GET', `${API}/new`, { query: { 'oauth_connection[name][x]': '1' } }],
]

for (const [what, method, path, options] of ODD) {
  const route = `${method} ${path.replace('/api/v1', '')}`

  ;(method === 'GET' ? test : writeTest)(`${route} with ${what} answers no 5xx`, async (t) => {
    const answer = await send(t, method, path, options)

    t.true(answer.status < 500, `${answer.status}: ${answer.text.slice(0, 300)}`)
    if (answer.status >= 400) assertEnvelope(t, answer, answer.status)
  })
}
