// X-Mock-Session: each named session has its own data, made from the fixtures on first use;
// the admin API acts on the session named; the least recently used session is dropped. Mock
// only.
import test from 'ava'

import { assertContract } from '../contract-tests/_harness.ts'
import {
  API,
  assertAdmin,
  call,
  createRecord,
  FIXTURE_COUNT,
  listedIds,
  startForTest,
} from './_mock.ts'

function sorted(ids: number[]): number[] {
  return [...ids].sort((a, b) => a - b)
}

const FIXTURE_IDS = Array.from({ length: FIXTURE_COUNT }, (_, index) => index + 1)

test('a record created in one session is not in another, nor in the default data', async (t) => {
  const { url } = await startForTest(t)
  const created = await createRecord(t, url, { name: 'Only in alpha' }, 'alpha')

  const inAlpha = await call(url, 'GET', `${API}/${created.uuid}`, { session: 'alpha' })
  const inBeta = await call(url, 'GET', `${API}/${created.uuid}`, { session: 'beta' })
  const inDefault = await call(url, 'GET', `${API}/${created.uuid}`)

  assertContract(t, 'showOauthConnection', inAlpha, 200)
  assertContract(t, 'showOauthConnection', inBeta, 404)
  assertContract(t, 'showOauthConnection', inDefault, 404)
  t.true((await listedIds(url, 'alpha')).includes(created.id))
  t.false((await listedIds(url, 'beta')).includes(created.id))
  t.false((await listedIds(url)).includes(created.id))
})

test('two sessions creating at once each keep only their own records', async (t) => {
  const { url } = await startForTest(t)

  const [alpha, beta] = await Promise.all([
    createRecord(t, url, { name: 'Alpha zq7' }, 'alpha'),
    createRecord(t, url, { name: 'Beta zq7' }, 'beta'),
  ])

  const alphaNames = await call(url, 'GET', `${API}?fulltext=zq7&columns=name`, {
    session: 'alpha',
  })
  const betaNames = await call(url, 'GET', `${API}?fulltext=zq7&columns=name`, {
    session: 'beta',
  })
  t.deepEqual(alphaNames.body.oauth_connections, [{ name: 'Alpha zq7' }])
  t.deepEqual(betaNames.body.oauth_connections, [{ name: 'Beta zq7' }])
  // Each session counts ids on its own, from the fixtures.
  t.is(alpha.id, FIXTURE_COUNT + 1)
  t.is(beta.id, FIXTURE_COUNT + 1)
})

test('a new session starts from the fixtures, whatever the default data holds', async (t) => {
  const { url } = await startForTest(t)
  await call(url, 'DELETE', `${API}/1`)
  await createRecord(t, url, { name: 'Default only' })
  await call(url, 'PATCH', `${API}/2`, { json: { name: 'Renamed in default' } })

  const ids = await listedIds(url, 'fresh')
  const two = await call(url, 'GET', `${API}/2`, { session: 'fresh' })

  t.deepEqual(sorted(ids), FIXTURE_IDS)
  t.is(two.body.oauth_connection.name, 'HubSpot - Marketing')
})

test('a deletion in one session leaves the record in the others', async (t) => {
  const { url } = await startForTest(t)

  const deleted = await call(url, 'DELETE', `${API}/5`, { session: 'alpha' })

  assertContract(t, 'destroyOauthConnection', deleted, 200)
  t.is((await call(url, 'GET', `${API}/5`, { session: 'alpha' })).status, 404)
  t.is((await call(url, 'GET', `${API}/5`, { session: 'beta' })).status, 200)
  t.is((await call(url, 'GET', `${API}/5`)).status, 200)
})

test('POST /__admin/reset with a session header resets that session only', async (t) => {
  const { url } = await startForTest(t)
  const inAlpha = await createRecord(t, url, { name: 'Alpha, reset' }, 'alpha')
  const inBeta = await createRecord(t, url, { name: 'Beta, kept' }, 'beta')
  const inDefault = await createRecord(t, url, { name: 'Default, kept' })

  const answer = await call(url, 'POST', '/__admin/reset', { session: 'alpha' })

  assertAdmin(t, 'POST /__admin/reset', answer, 200)
  t.is(answer.body.total_count, FIXTURE_COUNT)
  t.deepEqual(sorted(await listedIds(url, 'alpha')), FIXTURE_IDS)
  t.false((await listedIds(url, 'alpha')).includes(inAlpha.id))
  t.true((await listedIds(url, 'beta')).includes(inBeta.id))
  t.true((await listedIds(url)).includes(inDefault.id))
})

test('POST /__admin/reset without a session header resets the default data only', async (t) => {
  const { url } = await startForTest(t)
  const inAlpha = await createRecord(t, url, { name: 'Alpha, kept' }, 'alpha')
  const inDefault = await createRecord(t, url, { name: 'Default, reset' })

  const answer = await call(url, 'POST', '/__admin/reset')

  assertAdmin(t, 'POST /__admin/reset', answer, 200)
  t.false((await listedIds(url)).includes(inDefault.id))
  t.true((await listedIds(url, 'alpha')).includes(inAlpha.id))
})

test('GET /__admin/state with a session header exports that session only', async (t) => {
  const { url } = await startForTest(t)
  await createRecord(t, url, { name: 'Alpha export' }, 'alpha')
  await call(url, 'DELETE', `${API}/3`, { session: 'alpha' })
  await createRecord(t, url, { name: 'Default export' })

  const alpha = await call(url, 'GET', '/__admin/state', { session: 'alpha' })
  const plain = await call(url, 'GET', '/__admin/state')

  assertAdmin(t, 'GET /__admin/state', alpha, 200)
  const namesOf = (records: { name: string }[]) => records.map((record) => record.name)
  t.true(namesOf(alpha.body.oauth_connections).includes('Alpha export'))
  t.false(namesOf(alpha.body.oauth_connections).includes('Default export'))
  t.false(alpha.body.oauth_connections.some((record: { id: number }) => record.id === 3))
  t.true(namesOf(plain.body.oauth_connections).includes('Default export'))
  t.false(namesOf(plain.body.oauth_connections).includes('Alpha export'))
  t.deepEqual(
    sorted(alpha.body.oauth_connections.map((record: { id: number }) => record.id)),
    sorted(await listedIds(url, 'alpha')),
  )
})

test('PUT /__admin/state with a session header replaces that session only', async (t) => {
  const { url } = await startForTest(t)
  const exported = await call(url, 'GET', '/__admin/state')
  const two = exported.body.oauth_connections.slice(0, 2)

  const answer = await call(url, 'PUT', '/__admin/state', {
    json: { oauth_connections: two },
    session: 'alpha',
  })

  assertAdmin(t, 'PUT /__admin/state', answer, 200)
  t.is((await listedIds(url, 'alpha')).length, 2)
  t.is((await listedIds(url)).length, FIXTURE_COUNT)
  t.is((await listedIds(url, 'beta')).length, FIXTURE_COUNT)
})

test('with maxSessions 2, a third session drops the least recently used one', async (t) => {
  const { url } = await startForTest(t, { maxSessions: 2 })
  const first = await createRecord(t, url, { name: 'First session' }, 'first')
  const second = await createRecord(t, url, { name: 'Second session' }, 'second')

  await createRecord(t, url, { name: 'Third session' }, 'third')

  // The second first: asking for the first again makes a new session, which drops another.
  const inSecond = await call(url, 'GET', `${API}/${second.uuid}`, { session: 'second' })
  const inFirst = await call(url, 'GET', `${API}/${first.uuid}`, { session: 'first' })
  assertContract(t, 'showOauthConnection', inSecond, 200)
  assertContract(t, 'showOauthConnection', inFirst, 404)
  t.deepEqual(sorted(await listedIds(url, 'first')), FIXTURE_IDS)
})

test('with maxSessions 2, a session used again outlives one used longer ago', async (t) => {
  const { url } = await startForTest(t, { maxSessions: 2 })
  const first = await createRecord(t, url, { name: 'First, used again' }, 'first')
  const second = await createRecord(t, url, { name: 'Second, left alone' }, 'second')
  await call(url, 'GET', API, { session: 'first' })

  await createRecord(t, url, { name: 'Third session' }, 'third')

  const inFirst = await call(url, 'GET', `${API}/${first.uuid}`, { session: 'first' })
  const inSecond = await call(url, 'GET', `${API}/${second.uuid}`, { session: 'second' })
  assertContract(t, 'showOauthConnection', inFirst, 200)
  assertContract(t, 'showOauthConnection', inSecond, 404)
})

test('with maxSessions 2, dropping sessions never touches the default data', async (t) => {
  const { url } = await startForTest(t, { maxSessions: 2 })
  const kept = await createRecord(t, url, { name: 'Default survives' })

  for (const name of ['one', 'two', 'three', 'four']) {
    await createRecord(t, url, { name: `In ${name}` }, name)
  }

  const answer = await call(url, 'GET', `${API}/${kept.uuid}`)
  assertContract(t, 'showOauthConnection', answer, 200)
})
