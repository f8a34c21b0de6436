import type { ExecutionContext } from 'ava'

import { API, assertContract, writeTest, useTarget } from './_harness.ts'

const target = useTarget()

const SECRET = 'cs-3a8f5e1c-never-echoed'
const TOKEN = 'at-6e9c2b4d-never-echoed'

async function destroyed(t: ExecutionContext, fields: Record<string, unknown>) {
  const record = await target.create(fields)
  const answer = await target.request('DELETE', `${API}/${record.id}`)
  assertContract(t, 'destroyOauthConnection', answer, 200)
  return record
}

writeTest(
  'DELETE /oauth_connections/:id answers 200 with the record and deleted_at set',
  async (t) => {
    const record = await target.create({ name: 'Destroyed', description: 'going away' })

    const answer = await target.request('DELETE', `${API}/${record.id}`)

    assertContract(t, 'destroyOauthConnection', answer, 200)
    const { deleted_at, ...rest } = answer.body.oauth_connection
    t.is(record.deleted_at, null)
    t.false(Number.isNaN(Date.parse(deleted_at)), `deleted_at ${deleted_at}`)
    t.like(rest, { id: record.id, uuid: record.uuid, name: record.name, description: 'going away' })
  },
)

writeTest('DELETE /oauth_connections/:uuid answers 200 with that record', async (t) => {
  const record = await target.create({ name: 'Destroyed by uuid' })

  const answer = await target.request('DELETE', `${API}/${record.uuid}`)

  assertContract(t, 'destroyOauthConnection', answer, 200)
  t.is(answer.body.oauth_connection.id, record.id)
})

writeTest('GET /oauth_connections/:id of a deleted record answers 404', async (t) => {
  const record = await destroyed(t, { name: 'Deleted then shown' })

  const answer = await target.request('GET', `${API}/${record.id}`)

  assertContract(t, 'showOauthConnection', answer, 404)
})

writeTest('GET /oauth_connections/:uuid of a deleted record answers 404', async (t) => {
  const record = await destroyed(t, { name: 'Deleted then shown by uuid' })

  const answer = await target.request('GET', `${API}/${record.uuid}`)

  assertContract(t, 'showOauthConnection', answer, 404)
})

writeTest('GET /oauth_connections leaves a deleted record out', async (t) => {
  const kept = await target.create({ name: 'List after delete kept' })
  await destroyed(t, { name: 'List after delete gone' })

  const answer = await target.request('GET', API, {
    query: { fulltext: `${target.prefix} List after delete` },
  })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(
    answer.body.oauth_connections.map((found: { id: number }) => found.id),
    [kept.id],
  )
  t.is(answer.body.metadata.total_count, 1)
})

writeTest('DELETE /oauth_connections/:id a second time answers 404', async (t) => {
  const record = await destroyed(t, { name: 'Deleted twice' })

  const answer = await target.request('DELETE', `${API}/${record.id}`)

  assertContract(t, 'destroyOauthConnection', answer, 404)
})

writeTest('DELETE /oauth_connections/:id with an unknown id answers 404', async (t) => {
  const path = `${API}/999999999`

  const answer = await target.request('DELETE', path)

  assertContract(t, 'destroyOauthConnection', answer, 404)
})

for (const [method, operationId] of [
  ['PUT', 'updateOauthConnection'],
  ['PATCH', 'patchOauthConnection'],
]) {
  writeTest(`${method} /oauth_connections/:id of a deleted record answers 404`, async (t) => {
    const record = await destroyed(t, { name: `Deleted then ${method}` })

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { description: 'too late' },
    })

    assertContract(t, operationId, answer, 404)
  })
}

writeTest('DELETE /oauth_connections/:id answers no client_secret or access_token', async (t) => {
  const record = await target.create({
    name: 'Deleted write-only',
    client_secret: SECRET,
    access_token: TOKEN,
  })

  const answer = await target.request('DELETE', `${API}/${record.id}`)

  assertContract(t, 'destroyOauthConnection', answer, 200)
  t.false(answer.text.includes(SECRET), 'client_secret value echoed')
  t.false(answer.text.includes(TOKEN), 'access_token value echoed')
  t.false(answer.text.includes('"client_secret"'), 'client_secret key answered')
  t.false(answer.text.includes('"access_token"'), 'access_token key answered')
})
