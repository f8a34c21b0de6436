import type { ExecutionContext } from 'ava'

import { API, assertContract, type Answer, writeTest, useTarget } from './_harness.ts'

const target = useTarget()

const SECRET = 'cs-0c6e2a9d-never-echoed'
const TOKEN = 'at-7d4b1f3e-never-echoed'

const METHODS: [string, string][] = [
  ['PUT', 'updateOauthConnection'],
  ['PATCH', 'patchOauthConnection'],
]

/** The record without the columns every update moves. */
function unmoved(record: Record<string, unknown>): Record<string, unknown> {
  const { updated_at, user_updated_at, ...rest } = record
  return rest
}

function errorParameters(answer: Answer): string[] {
  return (answer.body.errors ?? []).map((error: { parameter: string }) => error.parameter)
}

async function show(t: ExecutionContext, id: number): Promise<Record<string, unknown>> {
  const answer = await target.request('GET', `${API}/${id}`)
  assertContract(t, 'showOauthConnection', answer, 200)
  return answer.body.oauth_connection
}

for (const [method, operationId] of METHODS) {
  writeTest(
    `${method} /oauth_connections/:id answers 200, changing only fields sent`,
    async (t) => {
      const record = await target.create({
        name: `${method} only sent`,
        description: 'before',
        client_id: 'client-kept',
        webhook_read_timeout: 5,
        expires_at: '2024-03-29T04:34:43Z',
      })

      const answer = await target.request(method, `${API}/${record.id}`, {
        json: { description: 'after' },
      })

      assertContract(t, operationId, answer, 200)
      t.deepEqual(unmoved(answer.body.oauth_connection), {
        ...unmoved(record),
        description: 'after',
      })
    },
  )

  writeTest(`${method} /oauth_connections/:id stores the change for GET to find`, async (t) => {
    const record = await target.create({ name: `${method} stored`, client_id: 'before' })

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { oauth_connection: { client_id: 'after' } },
    })

    assertContract(t, operationId, answer, 200)
    t.deepEqual(await show(t, record.id), answer.body.oauth_connection)
  })

  writeTest(`${method} /oauth_connections/:id moves updated_at forward`, async (t) => {
    const record = await target.create({
      name: `${method} moves updated_at`,
      updated_at: '2020-01-01T00:00:00Z',
    })

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { description: 'touched' },
    })

    assertContract(t, operationId, answer, 200)
    const { updated_at } = answer.body.oauth_connection
    t.true(Date.parse(updated_at) > Date.parse(record.updated_at), `updated_at ${updated_at}`)
    t.is(answer.body.oauth_connection.created_at, record.created_at)
  })

  writeTest(`${method} /oauth_connections/:id keeps an updated_at it is given`, async (t) => {
    const record = await target.create({ name: `${method} given updated_at` })

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { description: 'touched', updated_at: '2022-05-06 07:08:09 +0000' },
    })

    assertContract(t, operationId, answer, 200)
    t.is(answer.body.oauth_connection.updated_at, '2022-05-06T07:08:09.000Z')
  })

  writeTest(`${method} /oauth_connections/:id with a wrapped form body changes it`, async (t) => {
    const record = await target.create({ name: `${method} form`, description: 'before' })

    const answer = await target.request(method, `${API}/${record.id}`, {
      form: { 'oauth_connection[description]': 'from a form' },
    })

    assertContract(t, operationId, answer, 200)
    t.is(answer.body.oauth_connection.description, 'from a form')
  })

  writeTest(
    `${method} /oauth_connections/:id with query parameters changes the field`,
    async (t) => {
      const record = await target.create({ name: `${method} query`, description: 'before' })

      const answer = await target.request(method, `${API}/${record.id}`, {
        query: { description: 'from the query' },
      })

      assertContract(t, operationId, answer, 200)
      t.is(answer.body.oauth_connection.description, 'from the query')
    },
  )

  writeTest(
    `${method} /oauth_connections/:id with blank decimals and times stores null`,
    async (t) => {
      const record = await target.create({
        name: `${method} blanks`,
        description: 'kept as blank',
        webhook_read_timeout: 5,
        expires_in: 3600,
        expires_at: '2024-03-29T04:34:43Z',
      })

      const answer = await target.request(method, `${API}/${record.id}`, {
        json: { description: '', webhook_read_timeout: '', expires_in: '', expires_at: '' },
      })

      assertContract(t, operationId, answer, 200)
      t.like(answer.body.oauth_connection, {
        description: '',
        webhook_read_timeout: null,
        expires_in: null,
        expires_at: null,
      })
    },
  )

  writeTest(
    `${method} /oauth_connections/:id answers no client_secret or access_token`,
    async (t) => {
      const record = await target.create({ name: `${method} write-only` })

      const answer = await target.request(method, `${API}/${record.id}`, {
        json: { client_secret: SECRET, access_token: TOKEN },
      })

      assertContract(t, operationId, answer, 200)
      t.false(answer.text.includes(SECRET), 'client_secret value echoed')
      t.false(answer.text.includes(TOKEN), 'access_token value echoed')
      t.false(answer.text.includes('"client_secret"'), 'client_secret key answered')
      t.false(answer.text.includes('"access_token"'), 'access_token key answered')
    },
  )

  for (const [field, value] of [
    ['expires_at', 'yesterday'],
    ['webhook_read_timeout', 'abc'],
    ['name', 12345],
  ] as const) {
    const shown = JSON.stringify(value)

    writeTest(`${method} /oauth_connections/:id with ${field} ${shown} answers 422`, async (t) => {
      const record = await target.create({ name: `${method} bad ${field}` })

      const answer = await target.request(method, `${API}/${record.id}`, {
        json: { [field]: value },
      })

      assertContract(t, operationId, answer, 422)
      t.deepEqual(errorParameters(answer), [field])
    })
  }

  writeTest(`${method} /oauth_connections/:id answering 422 changes nothing`, async (t) => {
    const record = await target.create({ name: `${method} unchanged`, description: 'before' })

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { description: 'after', expires_at: 'yesterday' },
    })

    assertContract(t, operationId, answer, 422)
    t.deepEqual(await show(t, record.id), record)
  })

  writeTest(`${method} /oauth_connections/:id with an unknown id answers 404`, async (t) => {
    const path = `${API}/999999999`

    const answer = await target.request(method, path, { json: { description: 'nobody' } })

    assertContract(t, operationId, answer, 404)
  })

  writeTest(`${method} /oauth_connections/:id of a deleted record answers 404`, async (t) => {
    const record = await target.create({ name: `${method} deleted` })
    assertContract(
      t,
      'destroyOauthConnection',
      await target.request('DELETE', `${API}/${record.id}`),
      200,
    )

    const answer = await target.request(method, `${API}/${record.id}`, {
      json: { description: 'too late' },
    })

    assertContract(t, operationId, answer, 404)
  })
}
