// Every operation through openapi-fetch, typed by src/generated/openapi.ts, written as a
// frontend would write it. A spec change the server does not follow fails a test here; a server
// change the spec does not follow, or a spec change this code does not follow, fails
// `tsc -p .` (the column list below must name every column the spec has, and nothing more).
import test, { type ExecutionContext } from 'ava'
import createClient, { type Client } from 'openapi-fetch'

import type { components, paths } from '../src/generated/openapi.ts'
import { startTarget, writeTest, type Target } from './_harness.ts'

type Schemas = components['schemas']
type Stored = Schemas['OauthConnection']
type Column = keyof Schemas['OauthConnectionColumns']
type Params = Schemas['OauthConnectionParams']

const LIST = '/api/v1/oauth_connections'
const NEW = '/api/v1/oauth_connections/new'
const ONE = '/api/v1/oauth_connections/{id}'

const COLUMNS = [
  'id',
  'legacy_id',
  'type',
  'uuid',
  'created_at',
  'updated_at',
  'deleted_at',
  'user_updated_at',
  'routes_show_path',
  'routes_edit_path',
  'external_record_id',
  'name',
  'key',
  'predefined_type',
  'description',
  'client_id',
  'webhook_remote_url',
  'webhook_remote_method',
  'webhook_remote_body',
  'webhook_remote_headers',
  'webhook_read_timeout',
  'webhook_response_success_codes',
  'access_token_path',
  'expires_in',
  'expires_at',
  'fetched_at',
] as const satisfies readonly Column[]

// Fails to compile when the spec gains a column this list (and so the test below) lacks.
type Unlisted = Exclude<Column, (typeof COLUMNS)[number]>
export const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true

// `columns` is style form, explode false in the spec: one comma-separated value.
const COMMA_SEPARATED = { array: { style: 'form', explode: false } } as const
// The record's fields as query parameters are style form, explode true: `name=...` each.
const FLAT_FIELDS = { object: { style: 'form', explode: true } } as const

let target: Target
let client: Client<paths>
const createdIds = new Set<number>()

test.before(async () => {
  target = await startTarget()
  client = createClient<paths>({ baseUrl: target.baseUrl, fetch: target.fetch })
})

test.after.always(async () => {
  for (const id of createdIds) await client?.DELETE(ONE, { params: { path: { id: String(id) } } })
  await target?.cleanup()
  await target?.close()
})

/** Creates a record named with the run's prefix, through the typed client, for cleanup. */
async function create(t: ExecutionContext, fields: Params): Promise<Stored> {
  const name = `${target.prefix} typed ${fields.name ?? t.title.slice(0, 40)}`
  const { data, error, response } = await client.POST(LIST, {
    body: { oauth_connection: { ...fields, name } },
  })
  if (!data) throw new Error(`create answered ${response.status}: ${JSON.stringify(error)}`)
  createdIds.add(data.oauth_connection.id!)
  return data.oauth_connection
}

/** Three records a day apart in June 2021, with a marker to find them by. */
let seeded: Promise<{ marker: string; records: Stored[] }> | undefined
function seed(t: ExecutionContext) {
  seeded ??= (async () => {
    const marker = `${target.prefix}-seed`
    const days = ['2021-06-01T10:00:00Z', '2021-06-02T10:00:00Z', '2021-06-03T10:00:00Z']
    const records: Stored[] = []
    for (const [index, created_at] of days.entries())
      records.push(await create(t, { name: `seed ${index}`, description: marker, created_at }))
    return { marker, records }
  })()
  return seeded
}

function idsOf(list: Schemas['OauthConnectionColumns'][]): (number | null | undefined)[] {
  return list.map((record) => record.id)
}

writeTest('POST /oauth_connections answers 201 with the typed record', async (t) => {
  const body = {
    oauth_connection: {
      name: `${target.prefix} typed create`,
      client_id: 'typed-client',
      client_secret: 'typed-secret',
      webhook_read_timeout: '2.5',
      expires_in: 3600,
      expires_at: '2024-03-29 04:34:43 +0000',
    },
  } satisfies Schemas['OauthConnectionBody']

  const { data, response } = await client.POST(LIST, { body })

  t.is(response.status, 201)
  const record = data!.oauth_connection
  createdIds.add(record.id!)
  t.is(response.headers.get('location'), `${LIST}/${record.id}`)
  t.like(record, { name: body.oauth_connection.name, client_id: 'typed-client' })
  t.is(record.webhook_read_timeout, 2.5)
  t.is(record.expires_in, 3600)
  t.is(record.expires_at, '2024-03-29T04:34:43.000Z')
  t.false('client_secret' in record)
  t.deepEqual(Object.keys(record).sort(), [...COLUMNS].sort())
})

writeTest('GET /oauth_connections/:id answers the typed record by id and uuid', async (t) => {
  const created = await create(t, { name: 'show', description: 'shown' })

  for (const id of [String(created.id), created.uuid!]) {
    const { data, response } = await client.GET(ONE, { params: { path: { id } } })

    t.is(response.status, 200)
    t.deepEqual(data?.oauth_connection, created)
  }
})

for (const method of ['PUT', 'PATCH'] as const) {
  writeTest(
    `${method} /oauth_connections/:id answers 200 with only the sent field changed`,
    async (t) => {
      const created = await create(t, { name: `${method} update`, description: 'before' })
      const path = { id: String(created.id) }
      const body = { description: 'after' } satisfies Params

      const { data, response } =
        method === 'PUT'
          ? await client.PUT(ONE, { params: { path }, body })
          : await client.PATCH(ONE, { params: { path }, body })

      t.is(response.status, 200)
      t.like(data?.oauth_connection, { id: created.id, name: created.name, description: 'after' })
    },
  )
}

writeTest('DELETE /oauth_connections/:id answers 200, then GET answers 404', async (t) => {
  const created = await create(t, { name: 'destroy' })
  const params = { path: { id: String(created.id) } }

  const destroyed = await client.DELETE(ONE, { params })
  const after = await client.GET(ONE, { params })

  t.is(destroyed.response.status, 200)
  t.truthy(destroyed.data?.oauth_connection.deleted_at)
  createdIds.delete(created.id!)
  t.is(after.response.status, 404)
  t.is(after.error?.status, 404)
})

test('GET /oauth_connections/new answers a typed unsaved record from the query', async (t) => {
  const oauth_connection = { name: 'Typed new', webhook_read_timeout: '1.5' } satisfies Params

  const { data, response } = await client.GET(NEW, {
    params: { query: { oauth_connection } },
    querySerializer: FLAT_FIELDS,
  })

  t.is(response.status, 200)
  t.like(data?.oauth_connection, { id: null, name: 'Typed new', webhook_read_timeout: 1.5 })
})

writeTest('GET /oauth_connections with ids answers just those records', async (t) => {
  const { marker, records } = await seed(t)
  const [oldest, , newest] = records

  const { data } = await client.GET(LIST, {
    params: { query: { ids: [oldest.id!, newest.id!], fulltext: marker } },
  })

  t.true(data !== undefined && !Array.isArray(data))
  if (data && !Array.isArray(data))
    t.deepEqual(idsOf(data.oauth_connections), [newest.id, oldest.id])
})

writeTest('GET /oauth_connections with page and per_page answers that page', async (t) => {
  const { marker, records } = await seed(t)

  const { data } = await client.GET(LIST, {
    params: { query: { fulltext: marker, page: 2, per_page: 2 } },
  })

  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  t.deepEqual(idsOf(data.oauth_connections), [records[0].id])
  t.deepEqual(data.metadata, { page: 2, per_page: 2, total_count: 3, total_pages: 2 })
})

writeTest('GET /oauth_connections with created_at_from/to answers that day only', async (t) => {
  const { marker, records } = await seed(t)

  const { data } = await client.GET(LIST, {
    params: {
      query: { fulltext: marker, created_at_from: '2021-06-02', created_at_to: '2021-06-02' },
    },
  })

  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  t.deepEqual(idsOf(data.oauth_connections), [records[1].id])
})

writeTest('GET /oauth_connections with time_zone reads the dates in that zone', async (t) => {
  const { marker, records } = await seed(t)
  // 2021-06-02T10:00:00Z is 19:00 that day in Tokyo.
  const query = {
    fulltext: marker,
    created_at_from: '2021-06-02 19:00:00',
    created_at_to: '2021-06-02 19:00:00',
    time_zone: 'Asia/Tokyo',
  }

  const { data } = await client.GET(LIST, { params: { query } })

  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  t.deepEqual(idsOf(data.oauth_connections), [records[1].id])
})

writeTest('GET /oauth_connections with fulltext answers the records that match', async (t) => {
  const { marker, records } = await seed(t)

  const { data } = await client.GET(LIST, { params: { query: { fulltext: marker } } })

  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  t.deepEqual(idsOf(data.oauth_connections), idsOf(records).reverse())
})

test('GET /oauth_connections with per_page answers that many at most', async (t) => {
  const { data, response } = await client.GET(LIST, { params: { query: { per_page: 1 } } })

  t.is(response.status, 200)
  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  t.is(data.metadata.per_page, 1)
  t.true(data.oauth_connections.length <= 1)
})

test('GET /oauth_connections with columns answers only those keys', async (t) => {
  const columns: Column[] = ['id', 'name', 'created_at']

  const { data } = await client.GET(LIST, {
    params: { query: { columns, per_page: 5 } },
    querySerializer: COMMA_SEPARATED,
  })

  if (!data || Array.isArray(data)) return t.fail('expected the list with its root node')
  for (const record of data.oauth_connections)
    t.deepEqual(Object.keys(record).sort(), columns.sort())
})

test('GET /oauth_connections with root=false answers an array and X-Total-Count', async (t) => {
  const { data, response } = await client.GET(LIST, {
    params: { query: { root: 'false', per_page: 2 } },
  })

  t.true(Array.isArray(data))
  t.regex(response.headers.get('x-total-count') ?? '', /^\d+$/)
})

test('GET /oauth_connections with per_page=5000 answers a typed 422 naming it', async (t) => {
  const { error, response } = await client.GET(LIST, { params: { query: { per_page: 5000 } } })

  t.is(response.status, 422)
  t.is(error?.status, 422)
  t.deepEqual(
    error?.errors?.map((entry) => entry.parameter),
    ['per_page'],
  )
})

writeTest('POST /oauth_connections with a bad decimal answers a typed 422', async (t) => {
  const body = { name: `${target.prefix} typed bad`, expires_in: 'soon' } satisfies Params

  const { data, error, response } = await client.POST(LIST, { body })

  if (data) createdIds.add(data.oauth_connection.id!)
  t.is(response.status, 422)
  t.deepEqual(
    error?.errors?.map((entry) => entry.parameter),
    ['expires_in'],
  )
})

test('GET /oauth_connections/:id of an unknown id answers a typed 404', async (t) => {
  const { error, response } = await client.GET(ONE, { params: { path: { id: '999999999' } } })

  t.is(response.status, 404)
  t.is(error?.error, 'Not Found')
  t.is(typeof error?.message, 'string')
})

writeTest('PATCH and DELETE /oauth_connections/:id of an unknown id answer 404', async (t) => {
  const params = { path: { id: '999999999' } }

  const patched = await client.PATCH(ONE, { params, body: { description: 'none' } })
  const destroyed = await client.DELETE(ONE, { params })

  t.is(patched.error?.status, 404)
  t.is(destroyed.error?.status, 404)
})
