import test from 'ava'

import { API, assertContract, useTarget } from './_harness.ts'

const target = useTarget()

const NEW = `${API}/new`
const SECRET = 'cs-8e1b7d2f-never-echoed'
const TOKEN = 'at-2f5a9c0e-never-echoed'

test('GET /oauth_connections/new answers 200 with an unsaved record', async (t) => {
  const path = NEW

  const answer = await target.request('GET', path)

  assertContract(t, 'newOauthConnection', answer, 200)
  t.like(answer.body.oauth_connection, {
    id: null,
    type: 'OauthConnection',
    name: null,
    deleted_at: null,
  })
})

test('GET /oauth_connections/new answers a record built from the query', async (t) => {
  const query = {
    name: `${target.prefix} Built`,
    description: 'Built, not stored',
    client_id: 'client-built',
    webhook_remote_method: 'POST',
  }

  const answer = await target.request('GET', NEW, { query })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.like(answer.body.oauth_connection, { ...query, id: null })
})

test('GET /oauth_connections/new takes fields wrapped in oauth_connection', async (t) => {
  const name = `${target.prefix} Built wrapped`

  const answer = await target.request('GET', NEW, {
    query: { 'oauth_connection[name]': name, 'oauth_connection[client_id]': 'wrapped' },
  })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.like(answer.body.oauth_connection, { name, client_id: 'wrapped' })
})

test('GET /oauth_connections/new with webhook_read_timeout=2.5 answers the number', async (t) => {
  const query = { webhook_read_timeout: '2.5' }

  const answer = await target.request('GET', NEW, { query })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.is(answer.body.oauth_connection.webhook_read_timeout, 2.5)
})

test('GET /oauth_connections/new answers given times in ISO 8601', async (t) => {
  const query = { expires_at: '2024-03-29 04:34:43 +0000', fetched_at: '2024-03-29T04:34:43Z' }

  const answer = await target.request('GET', NEW, { query })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.like(answer.body.oauth_connection, {
    expires_at: '2024-03-29T04:34:43.000Z',
    fetched_at: '2024-03-29T04:34:43.000Z',
  })
})

test('GET /oauth_connections/new keeps blank text and nulls blank numbers', async (t) => {
  const query = { description: '', webhook_read_timeout: '', expires_in: '', expires_at: '' }

  const answer = await target.request('GET', NEW, { query })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.like(answer.body.oauth_connection, {
    description: '',
    webhook_read_timeout: null,
    expires_in: null,
    expires_at: null,
  })
})

test('GET /oauth_connections/new stores nothing', async (t) => {
  const name = `${target.prefix} Never stored`
  const built = await target.request('GET', NEW, { query: { name } })
  assertContract(t, 'newOauthConnection', built, 200)

  const answer = await target.request('GET', API, { query: { fulltext: name } })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(answer.body.oauth_connections, [])
  t.is(answer.body.metadata.total_count, 0)
})

test('GET /oauth_connections/new answers no client_secret or access_token', async (t) => {
  const query = {
    name: `${target.prefix} Built secret`,
    client_secret: SECRET,
    access_token: TOKEN,
  }

  const answer = await target.request('GET', NEW, { query })

  assertContract(t, 'newOauthConnection', answer, 200)
  t.false(answer.text.includes(SECRET), 'client_secret value echoed')
  t.false(answer.text.includes(TOKEN), 'access_token value echoed')
  t.false(answer.text.includes('"client_secret"'), 'client_secret key answered')
  t.false(answer.text.includes('"access_token"'), 'access_token key answered')
})

for (const [field, value] of [
  ['webhook_read_timeout', 'abc'],
  ['expires_in', '1,5'],
  ['expires_at', 'yesterday'],
  ['fetched_at', '2024-02-30 10:00:00'],
]) {
  test(`GET /oauth_connections/new with ${field}=${value} answers 422 naming it`, async (t) => {
    const query = { [field]: value }

    const answer = await target.request('GET', NEW, { query })

    assertContract(t, 'newOauthConnection', answer, 422)
    t.deepEqual(
      answer.body.errors.map((error: { parameter: string }) => error.parameter),
      [field],
    )
  })
}
