import type { ExecutionContext } from 'ava'

import {
  API,
  assertContract,
  assertFullRecord,
  type Answer,
  type RequestOptions,
  writeTest,
  useTarget,
  sendCleaningUp,
} from './_harness.ts'

const target = useTarget()

const SECRET = 'cs-5f1d0c7a-never-echoed'
const TOKEN = 'at-9b2e4d6f-never-echoed'
const TEN_MINUTES = 10 * 60 * 1000

function send(t: ExecutionContext, method: string, path: string, options?: RequestOptions) {
  return sendCleaningUp(target, t, method, path, options)
}

function listMatching(text: string): Promise<Answer> {
  return target.request('GET', API, { query: { fulltext: text } })
}

function wrapped(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [`oauth_connection[${name}]`, value]),
  )
}

function assertNoSecrets(t: ExecutionContext, answer: Answer): void {
  t.false(answer.text.includes(SECRET), 'client_secret value echoed')
  t.false(answer.text.includes(TOKEN), 'access_token value echoed')
  t.false(answer.text.includes('"client_secret"'), 'client_secret key answered')
  t.false(answer.text.includes('"access_token"'), 'access_token key answered')
}

writeTest(
  'POST /oauth_connections with a wrapped JSON body answers 201 and a Location',
  async (t) => {
    const name = `${target.prefix} Located`

    const answer = await send(t, 'POST', API, { json: { oauth_connection: { name } } })

    assertContract(t, 'createOauthConnection', answer, 201)
    assertFullRecord(t, answer.body.oauth_connection)
    t.is(answer.headers.get('location'), `${API}/${answer.body.oauth_connection.id}`)
  },
)

writeTest(
  'POST /oauth_connections answers a Location where GET finds the same record',
  async (t) => {
    const name = `${target.prefix} Location target`
    const created = await send(t, 'POST', API, { json: { oauth_connection: { name } } })

    const answer = await target.request('GET', created.headers.get('location') ?? '/missing')

    assertContract(t, 'showOauthConnection', answer, 200)
    t.deepEqual(answer.body.oauth_connection, created.body.oauth_connection)
  },
)

const GIVEN = {
  description: 'Given every way',
  client_id: 'client-every-way',
  webhook_read_timeout: '2.5',
  expires_at: '2024-03-29 04:34:43 +0000',
}
const STORED = {
  description: 'Given every way',
  client_id: 'client-every-way',
  webhook_read_timeout: 2.5,
  expires_at: '2024-03-29T04:34:43.000Z',
}
const WAYS: [string, (fields: Record<string, string>) => RequestOptions][] = [
  ['a flat JSON body', (fields) => ({ json: fields })],
  ['a wrapped JSON body', (fields) => ({ json: { oauth_connection: fields } })],
  ['a flat form body', (fields) => ({ form: fields })],
  ['a wrapped form body', (fields) => ({ form: wrapped(fields) })],
  ['flat query parameters', (fields) => ({ query: fields })],
  ['wrapped query parameters', (fields) => ({ query: wrapped(fields) })],
]

for (const [way, optionsOf] of WAYS) {
  writeTest(`POST /oauth_connections with ${way} answers 201 and stores the values`, async (t) => {
    const name = `${target.prefix} Via ${way}`

    const answer = await send(t, 'POST', API, optionsOf({ ...GIVEN, name }))

    assertContract(t, 'createOauthConnection', answer, 201)
    const shown = await target.request('GET', `${API}/${answer.body.oauth_connection?.id}`)
    assertContract(t, 'showOauthConnection', shown, 200)
    t.like(shown.body.oauth_connection, { ...STORED, name })
  })
}

writeTest('POST /oauth_connections takes a body value over the same query value', async (t) => {
  const name = `${target.prefix} Body wins`

  const answer = await send(t, 'POST', API, {
    query: { name: `${target.prefix} Query loses`, description: 'from the query' },
    json: { oauth_connection: { name, description: 'from the body' } },
  })

  assertContract(t, 'createOauthConnection', answer, 201)
  t.like(answer.body.oauth_connection, { name, description: 'from the body' })
})

writeTest('POST /oauth_connections keeps query fields the body does not give', async (t) => {
  const name = `${target.prefix} Merged`

  const answer = await send(t, 'POST', API, {
    query: { client_id: 'client-from-query' },
    json: { name },
  })

  assertContract(t, 'createOauthConnection', answer, 201)
  t.like(answer.body.oauth_connection, { name, client_id: 'client-from-query' })
})

writeTest('POST /oauth_connections sets id, uuid, type and the route paths', async (t) => {
  const fields = { name: 'Server fields' }

  const record = await target.create(fields)

  const { id } = record
  t.true(Number.isInteger(id) && id > 0, `id ${id}`)
  t.regex(record.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.is(record.type, 'OauthConnection')
  t.is(record.routes_show_path, `/oauth_connections/${id}`)
  t.is(record.routes_edit_path, `/oauth_connections/${id}/edit`)
})

writeTest('POST /oauth_connections ignores a given id, uuid, type and key', async (t) => {
  const name = `${target.prefix} Ignores server fields`
  const given = {
    id: 987654321,
    uuid: '00000000-0000-4000-8000-000000000000',
    type: 'Other',
    key: 'given-key',
  }

  const answer = await send(t, 'POST', API, { json: { oauth_connection: { ...given, name } } })

  assertContract(t, 'createOauthConnection', answer, 201)
  const record = answer.body.oauth_connection
  t.not(record.id, given.id)
  t.not(record.uuid, given.uuid)
  t.is(record.type, 'OauthConnection')
  t.not(record.key, given.key)
})

writeTest('POST /oauth_connections gives each new record a greater id', async (t) => {
  const first = await target.create({ name: 'Id order first' })

  const second = await target.create({ name: 'Id order second' })

  t.true(second.id > first.id, `${second.id} after ${first.id}`)
})

writeTest('POST /oauth_connections never reuses the id of a deleted record', async (t) => {
  const deleted = await target.create({ name: 'Id reuse deleted' })
  const destroyed = await target.request('DELETE', `${API}/${deleted.id}`)
  assertContract(t, 'destroyOauthConnection', destroyed, 200)

  const next = await target.create({ name: 'Id reuse next' })

  t.true(next.id > deleted.id, `${next.id} after deleted ${deleted.id}`)
})

writeTest('POST /oauth_connections sets the key to a slug of the name', async (t) => {
  const fields = { name: 'Salesforce CRM, Production!' }

  const record = await target.create(fields)

  t.is(record.key, `${target.prefix}-salesforce-crm-production`)
})

writeTest(
  'POST /oauth_connections gives two records of the same name different keys',
  async (t) => {
    const first = await target.create({ name: 'Twin Name' })

    const second = await target.create({ name: 'Twin Name' })

    t.is(first.name, second.name)
    t.true(first.key.startsWith(`${target.prefix}-twin-name`), first.key)
    t.true(second.key.startsWith(`${target.prefix}-twin-name`), second.key)
    t.not(first.key, second.key)
  },
)

writeTest(
  'POST /oauth_connections sets created_at, updated_at, user_updated_at to now',
  async (t) => {
    const before = Date.now()

    const record = await target.create({ name: 'Timestamps now' })

    for (const column of ['created_at', 'updated_at', 'user_updated_at']) {
      const time = Date.parse(record[column])
      t.true(Math.abs(time - before) < TEN_MINUTES, `${column} ${record[column]} is not now`)
    }
    t.is(record.created_at, record.updated_at)
  },
)

writeTest('POST /oauth_connections keeps a given created_at and updated_at', async (t) => {
  const fields = {
    name: 'Timestamps given',
    created_at: '2020-01-02 03:04:05 +0000',
    updated_at: '2021-02-03T04:05:06Z',
  }

  const record = await target.create(fields)

  t.is(record.created_at, '2020-01-02T03:04:05.000Z')
  t.is(record.updated_at, '2021-02-03T04:05:06.000Z')
})

const ISO = '2024-03-29T04:34:43.000Z'
const CASTS: [string, string, unknown, unknown][] = [
  ['a blank text field', 'description', '', ''],
  ['a blank webhook_read_timeout', 'webhook_read_timeout', '', null],
  ['a blank expires_in', 'expires_in', '', null],
  ['a blank expires_at', 'expires_at', '', null],
  ['a JSON number webhook_read_timeout', 'webhook_read_timeout', 2.5, 2.5],
  ['a numeric string webhook_read_timeout', 'webhook_read_timeout', '2.5', 2.5],
  ['a JSON number expires_in', 'expires_in', 3600, 3600],
  ['a numeric string expires_in', 'expires_in', '3600', 3600],
  ['expires_at with a +0000 offset', 'expires_at', '2024-03-29 04:34:43 +0000', ISO],
  ['expires_at in ISO 8601 UTC', 'expires_at', '2024-03-29T04:34:43Z', ISO],
  ['expires_at in ISO 8601 +02:00', 'expires_at', '2024-03-29T06:34:43+02:00', ISO],
  ['fetched_at with a -0500 offset', 'fetched_at', '2024-03-28 23:34:43 -0500', ISO],
]

for (const [what, field, given, stored] of CASTS) {
  writeTest(`POST /oauth_connections with ${what} stores ${JSON.stringify(stored)}`, async (t) => {
    const fields = { name: `Cast ${what}`, [field]: given }

    const record = await target.create(fields)

    t.is(record[field], stored)
  })
}

const INVALID: [string, unknown][] = [
  ['name', 12345],
  ['name', { first: 'object' }],
  ['description', 7],
  ['client_id', ['a', 'list']],
  ['webhook_read_timeout', 'abc'],
  ['expires_in', 'abc'],
  ['expires_at', 'yesterday'],
  ['expires_at', '2024-02-30 10:00:00'],
  ['expires_at', '2024-03-29 04:34:43 +9959'],
  ['fetched_at', 'yesterday'],
]

for (const [index, [field, value]] of INVALID.entries()) {
  const shown = JSON.stringify(value)

  writeTest(
    `POST /oauth_connections with ${field} ${shown} answers 422, stores nothing`,
    async (t) => {
      const marker = `${target.prefix} invalid-${index}-x`
      const fields = { name: marker, description: marker, [field]: value }

      const answer = await send(t, 'POST', API, { json: fields })

      assertContract(t, 'createOauthConnection', answer, 422)
      t.true(
        (answer.body.errors ?? []).some((error: any) => error.parameter === field),
        `errors name ${field}: ${answer.text}`,
      )
      const list = await listMatching(marker)
      assertContract(t, 'listOauthConnections', list, 200)
      t.deepEqual(list.body.oauth_connections, [])
    },
  )
}

writeTest(
  'POST /oauth_connections with a time past 9999 UTC answers as the spec says',
  async (t) => {
    const name = `${target.prefix} Past 9999`

    const answer = await send(t, 'POST', API, {
      json: { name, expires_at: '9999-12-31T23:59:59-14:00' },
    })

    t.true([201, 422].includes(answer.status), `${answer.status}: ${answer.text.slice(0, 300)}`)
    assertContract(t, 'createOauthConnection', answer, answer.status)
  },
)

writeTest('POST /oauth_connections answers no client_secret or access_token', async (t) => {
  const name = `${target.prefix} Write-only create`

  const answer = await send(t, 'POST', API, {
    json: { name, client_secret: SECRET, access_token: TOKEN },
  })

  assertContract(t, 'createOauthConnection', answer, 201)
  assertNoSecrets(t, answer)
})

writeTest('GET /oauth_connections/:id answers no client_secret or access_token', async (t) => {
  const record = await target.create({
    name: 'Write-only show',
    client_secret: SECRET,
    access_token: TOKEN,
  })

  const answer = await target.request('GET', `${API}/${record.id}`)

  assertContract(t, 'showOauthConnection', answer, 200)
  assertNoSecrets(t, answer)
})

writeTest('GET /oauth_connections answers no client_secret or access_token', async (t) => {
  const record = await target.create({
    name: 'Write-only list',
    client_secret: SECRET,
    access_token: TOKEN,
  })

  const answer = await listMatching(record.name)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(
    answer.body.oauth_connections.map((found: any) => found.id),
    [record.id],
  )
  assertNoSecrets(t, answer)
})

writeTest(
  'POST /oauth_connections with client_secret 12345 answers 422 not echoing it',
  async (t) => {
    const name = `${target.prefix} Numeric secret`

    const answer = await send(t, 'POST', API, { json: { name, client_secret: 12345 } })

    assertContract(t, 'createOauthConnection', answer, 422)
    t.deepEqual(
      answer.body.errors.map((error: any) => error.parameter),
      ['client_secret'],
    )
    t.false(answer.text.includes('12345'), answer.text)
  },
)

writeTest(
  'POST /oauth_connections with a bad access_token answers 422 not echoing it',
  async (t) => {
    const name = `${target.prefix} Object token`

    const answer = await send(t, 'POST', API, { json: { name, access_token: { token: TOKEN } } })

    assertContract(t, 'createOauthConnection', answer, 422)
    t.deepEqual(
      answer.body.errors.map((error: any) => error.parameter),
      ['access_token'],
    )
    t.false(answer.text.includes(TOKEN), answer.text)
  },
)

writeTest(
  'POST /oauth_connections answers a 422 on another field without the secrets',
  async (t) => {
    const name = `${target.prefix} Secrets with a bad field`
    const fields = { name, client_secret: SECRET, access_token: TOKEN, expires_at: 'yesterday' }

    const answer = await send(t, 'POST', API, { json: fields })

    assertContract(t, 'createOauthConnection', answer, 422)
    assertNoSecrets(t, answer)
  },
)
