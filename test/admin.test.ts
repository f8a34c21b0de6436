// The admin API under /__admin: its document, reset, state export and import, the journal,
// and auth. Every answer is checked against admin.openapi.yaml. Mock only.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import test from 'ava'

import { assertContract } from '../contract-tests/_harness.ts'
import {
  ADMIN_SPEC_FILE,
  API,
  assertAdmin,
  assertEnvelope,
  call,
  createRecord,
  FIXTURE_COUNT,
  FIXTURES_FILE,
  listedIds,
  startForTest,
} from './_mock.ts'

const FIXTURE_IDS = Array.from({ length: FIXTURE_COUNT }, (_, index) => FIXTURE_COUNT - index)
const fixtures: Record<string, unknown>[] = JSON.parse(readFileSync(FIXTURES_FILE, 'utf8'))
const SECRET = 'journal-secret-Zq81'

function sorted(ids: number[]): number[] {
  return [...ids].sort((a, b) => a - b)
}

test('GET /__admin/openapi.yaml serves admin.openapi.yaml as YAML', async (t) => {
  const { url } = await startForTest(t)

  const answer = await call(url, 'GET', '/__admin/openapi.yaml')

  t.is(answer.status, 200)
  t.regex(answer.headers.get('content-type') ?? '', /yaml/)
  t.is(answer.text, readFileSync(ADMIN_SPEC_FILE, 'utf8'))
})

// --- reset

test('POST /__admin/reset drops created records and brings deleted ones back', async (t) => {
  const { url } = await startForTest(t)
  const created = await createRecord(t, url, { name: 'Reset me' })
  t.is((await call(url, 'DELETE', `${API}/4`)).status, 200)

  const answer = await call(url, 'POST', '/__admin/reset')

  assertAdmin(t, 'POST /__admin/reset', answer, 200)
  t.is(answer.body.total_count, FIXTURE_COUNT)
  t.deepEqual(sorted(await listedIds(url)), sorted(FIXTURE_IDS))
  t.is((await call(url, 'GET', `${API}/${created.id}`)).status, 404)
  const restored = await call(url, 'GET', `${API}/4`)
  assertContract(t, 'showOauthConnection', restored, 200)
})

test('POST /__admin/reset puts updated records back as the fixtures have them', async (t) => {
  const { url } = await startForTest(t)
  const before = await call(url, 'GET', `${API}/1`)
  await call(url, 'PATCH', `${API}/1`, { json: { name: 'Renamed before reset' } })

  await call(url, 'POST', '/__admin/reset')

  const after = await call(url, 'GET', `${API}/1`)
  t.deepEqual(after.body, before.body)
})

// --- state export

test('GET /__admin/state exports every live record without write-only fields', async (t) => {
  const { url } = await startForTest(t)
  const created = await createRecord(t, url, {
    name: 'Exported',
    client_secret: SECRET,
    access_token: `${SECRET}-token`,
  })
  await call(url, 'DELETE', `${API}/2`)

  const answer = await call(url, 'GET', '/__admin/state')

  assertAdmin(t, 'GET /__admin/state', answer, 200)
  const records: Record<string, unknown>[] = answer.body.oauth_connections
  t.is(answer.body.total_count, FIXTURE_COUNT)
  t.is(records.length, FIXTURE_COUNT)
  t.deepEqual(sorted(records.map((record) => record.id as number)), sorted(await listedIds(url)))
  t.true(records.some((record) => record.id === created.id && record.name === 'Exported'))
  t.false(records.some((record) => record.id === 2))
  for (const record of records) {
    t.false('client_secret' in record, `record ${record.id} exports client_secret`)
    t.false('access_token' in record, `record ${record.id} exports access_token`)
  }
  t.false(answer.text.includes(SECRET))
  t.false(answer.text.includes('fixture-secret'))
})

// --- state import

test('PUT /__admin/state with valid records replaces every record', async (t) => {
  const { url } = await startForTest(t)
  const kept = fixtures.slice(0, 3)

  const answer = await call(url, 'PUT', '/__admin/state', { json: { oauth_connections: kept } })

  assertAdmin(t, 'PUT /__admin/state', answer, 200)
  t.is(answer.body.total_count, 3)
  const list = await call(url, 'GET', API)
  assertContract(t, 'listOauthConnections', list, 200)
  t.is(list.body.metadata.total_count, 3)
  t.deepEqual(sorted(await listedIds(url)), [1, 2, 3])
})

test('PUT /__admin/state with an export of another server reproduces its records', async (t) => {
  const source = await startForTest(t)
  const target = await startForTest(t)
  await createRecord(t, source.url, { name: 'Carried over', description: 'by export' })
  await call(source.url, 'DELETE', `${API}/7`)
  const exported = await call(source.url, 'GET', '/__admin/state')

  const answer = await call(target.url, 'PUT', '/__admin/state', { json: exported.body })

  assertAdmin(t, 'PUT /__admin/state', answer, 200)
  const again = await call(target.url, 'GET', '/__admin/state')
  t.deepEqual(again.body, exported.body)
})

test('PUT /__admin/state with a bad record answers 422 naming it; nothing changes', async (t) => {
  const { url } = await startForTest(t)
  const records = fixtures.slice(0, 3).map((record) => ({ ...record }))
  records[1].webhook_read_timeout = 'not a number'

  const answer = await call(url, 'PUT', '/__admin/state', { json: { oauth_connections: records } })

  assertAdmin(t, 'PUT /__admin/state', answer, 422)
  assertEnvelope(t, answer, 422)
  t.regex(answer.body.message, /record 1\b/)
  t.regex(answer.body.message, /id 2\b/)
  t.regex(answer.body.message, /webhook_read_timeout/)
  t.deepEqual(sorted(await listedIds(url)), sorted(FIXTURE_IDS))
})

test('PUT /__admin/state with a record missing a column answers 422 naming it', async (t) => {
  const { url } = await startForTest(t)
  const { name: _dropped, ...nameless } = fixtures[4]

  const answer = await call(url, 'PUT', '/__admin/state', {
    json: { oauth_connections: [fixtures[0], nameless] },
  })

  assertAdmin(t, 'PUT /__admin/state', answer, 422)
  t.regex(answer.body.message, /record 1\b/)
  t.regex(answer.body.message, /name/)
  t.is((await listedIds(url)).length, FIXTURE_COUNT)
})

test('PUT /__admin/state with a text body answers 415 and changes nothing', async (t) => {
  const { url } = await startForTest(t)

  const answer = await call(url, 'PUT', '/__admin/state', {
    raw: 'oauth_connections=[]',
    contentType: 'text/plain',
  })

  assertEnvelope(t, answer, 415)
  t.is((await listedIds(url)).length, FIXTURE_COUNT)
})

test('PUT /__admin/state with malformed JSON answers 400 and changes nothing', async (t) => {
  const { url } = await startForTest(t)

  const answer = await call(url, 'PUT', '/__admin/state', {
    raw: '{"oauth_connections": [',
    contentType: 'application/json',
  })

  assertEnvelope(t, answer, 400)
  t.is((await listedIds(url)).length, FIXTURE_COUNT)
})

// --- journal

test('GET /__admin/journal lists requests with method, path, status and session', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/1`)
  await call(url, 'GET', `${API}/999`, { session: 'journal-session' })
  await call(url, 'POST', API, { json: { name: 'Journaled' } })

  const answer = await call(url, 'GET', '/__admin/journal')

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  const entries = answer.body.entries
  t.like(entries, [
    { method: 'GET', path: `${API}/1`, status: 200, session: null },
    { method: 'GET', path: `${API}/999`, status: 404, session: 'journal-session' },
    { method: 'POST', path: API, status: 201, session: null },
  ])
  t.is(entries.length, 3)
  t.like(entries[2], { requestBody: { name: 'Journaled' } })
  t.is(entries[2].responseBody.oauth_connection.name, 'Journaled')
})

test('GET /__admin/journal leaves out admin requests', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', '/__admin/state')
  await call(url, 'POST', '/__admin/reset')

  const answer = await call(url, 'GET', '/__admin/journal')

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  t.deepEqual(answer.body.entries, [])
})

test('GET /__admin/journal masks client_secret in a JSON body, a form and a query', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'POST', API, { json: { name: 'Json', client_secret: `${SECRET}-json` } })
  await call(url, 'POST', API, { form: { name: 'Form', client_secret: `${SECRET}-form` } })
  await call(url, 'POST', `${API}?name=Query&client_secret=${SECRET}-query`)
  await call(url, 'PATCH', `${API}/1?access_token=${SECRET}-token`, {
    json: { oauth_connection: { client_secret: `${SECRET}-wrapped` } },
  })

  const answer = await call(url, 'GET', '/__admin/journal')

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  const [json, form, query, patch] = answer.body.entries
  t.is(json.requestBody.client_secret, '[FILTERED]')
  t.is(json.requestBody.name, 'Json')
  t.is(form.requestBody.client_secret, '[FILTERED]')
  t.is(form.requestBody.name, 'Form')
  t.is(query.query.client_secret, '[FILTERED]')
  t.is(query.query.name, 'Query')
  t.is(query.requestBody.client_secret, '[FILTERED]')
  t.is(patch.query.access_token, '[FILTERED]')
  t.is(patch.status, 200)
  t.false(answer.text.includes(SECRET), 'a secret is in the journal')
})

test('GET /__admin/journal filters by method', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/1`)
  await call(url, 'POST', API, { json: { name: 'Posted' } })
  await call(url, 'GET', API)

  const answer = await call(url, 'GET', '/__admin/journal?method=POST')

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  t.deepEqual(
    answer.body.entries.map((entry: { method: string; path: string }) => entry.method),
    ['POST'],
  )
})

test('GET /__admin/journal filters by exact path', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/1`)
  await call(url, 'GET', `${API}/10`)
  await call(url, 'PATCH', `${API}/1`, { json: { name: 'Patched' } })

  const answer = await call(url, 'GET', `/__admin/journal?path=${encodeURIComponent(`${API}/1`)}`)

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  t.deepEqual(
    answer.body.entries.map((entry: { method: string; path: string }) => entry.method),
    ['GET', 'PATCH'],
  )
})

test('GET /__admin/journal filters by since', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/1`)
  await sleep(20)
  const since = new Date().toISOString()
  await sleep(20)
  await call(url, 'GET', `${API}/2`)

  const answer = await call(url, 'GET', `/__admin/journal?since=${encodeURIComponent(since)}`)

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  t.deepEqual(
    answer.body.entries.map((entry: { path: string }) => entry.path),
    [`${API}/2`],
  )
})

test('GET /__admin/journal with since not a time answers 422 naming since', async (t) => {
  const { url } = await startForTest(t)

  const answer = await call(url, 'GET', '/__admin/journal?since=yesterday')

  assertEnvelope(t, answer, 422)
  t.deepEqual(
    answer.body.errors.map((error: { parameter: string }) => error.parameter),
    ['since'],
  )
})

test('GET /__admin/journal keeps the last 1000 requests only', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/2`)
  const paths = Array.from({ length: 1000 }, () => `${API}/1`)
  for (let start = 0; start < paths.length; start += 20) {
    await Promise.all(paths.slice(start, start + 20).map((path) => call(url, 'GET', path)))
  }

  const answer = await call(url, 'GET', '/__admin/journal')

  assertAdmin(t, 'GET /__admin/journal', answer, 200)
  t.is(answer.body.entries.length, 1000)
  t.false(answer.body.entries.some((entry: { path: string }) => entry.path === `${API}/2`))
})

test('DELETE /__admin/journal clears the journal and answers how many it dropped', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'GET', `${API}/1`)
  await call(url, 'GET', API)

  const answer = await call(url, 'DELETE', '/__admin/journal')

  assertAdmin(t, 'DELETE /__admin/journal', answer, 200)
  t.is(answer.body.cleared, 2)
  const after = await call(url, 'GET', '/__admin/journal')
  t.deepEqual(after.body.entries, [])
})

// --- auth

const ADMIN_ROUTES: [string, string][] = [
  ['GET', '/__admin/openapi.yaml'],
  ['POST', '/__admin/reset'],
  ['GET', '/__admin/state'],
  ['PUT', '/__admin/state'],
  ['GET', '/__admin/journal'],
  ['DELETE', '/__admin/journal'],
]

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

test('with auth, every admin route without credentials answers 401', async (t) => {
  const { url } = await startForTest(t, { auth: { publicKey: 'pub', privateKey: 'priv' } })

  for (const [method, path] of ADMIN_ROUTES) {
    const json = method === 'PUT' ? { oauth_connections: [] } : undefined
    const answers = [
      await call(url, method, path, { json }),
      await call(url, method, path, { json, headers: basic('pub', 'wrong') }),
    ]

    for (const answer of answers) {
      assertEnvelope(t, answer, 401)
      t.regex(answer.headers.get('www-authenticate') ?? '', /^Basic /, `${method} ${path}`)
    }
  }
  t.is(
    (await call(url, 'GET', API, { headers: basic('pub', 'priv') })).body.metadata.total_count,
    FIXTURE_COUNT,
  )
})

test('with auth, admin routes with the API credentials answer', async (t) => {
  const { url } = await startForTest(t, { auth: { publicKey: 'pub', privateKey: 'priv' } })
  const headers = basic('pub', 'priv')

  const spec = await call(url, 'GET', '/__admin/openapi.yaml', { headers })
  const state = await call(url, 'GET', '/__admin/state', { headers })
  const reset = await call(url, 'POST', '/__admin/reset', { headers })
  const journal = await call(url, 'GET', '/__admin/journal', { headers })

  t.is(spec.status, 200)
  assertAdmin(t, 'GET /__admin/state', state, 200)
  assertAdmin(t, 'POST /__admin/reset', reset, 200)
  assertAdmin(t, 'GET /__admin/journal', journal, 200)
})
