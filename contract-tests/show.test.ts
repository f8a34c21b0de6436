import test from 'ava'

import { API, assertContract, assertFullRecord, writeTest, useTarget } from './_harness.ts'

const target = useTarget()

writeTest('GET /oauth_connections/:id answers the record by its integer id', async (t) => {
  const created = await target.create({ name: 'Show by id', client_id: 'abc' })

  const answer = await target.request('GET', `${API}/${created.id}`)

  assertContract(t, 'showOauthConnection', answer, 200)
  assertFullRecord(t, answer.body.oauth_connection)
  t.deepEqual(answer.body.oauth_connection, created)
})

writeTest('GET /oauth_connections/:id answers the record by its uuid', async (t) => {
  const created = await target.create({ name: 'Show by uuid' })

  const answer = await target.request('GET', `${API}/${created.uuid}`)

  assertContract(t, 'showOauthConnection', answer, 200)
  t.is(answer.body.oauth_connection.id, created.id)
})

for (const id of ['999999999', 'abc', '-1', '0', '1.5', '00000000-0000-4000-8000-000000000000']) {
  test(`GET /oauth_connections/${id} answers 404 in the error envelope`, async (t) => {
    const answer = await target.request('GET', `${API}/${encodeURIComponent(id)}`)

    assertContract(t, 'showOauthConnection', answer, 404)
    t.regex(answer.body.message, /id or uuid/)
  })
}
