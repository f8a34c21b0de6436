import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import { generateRecords } from '../src/fixtures/generate.ts'
import { DEFAULT_FIXTURES_FILE, loadFixtures } from '../src/fixtures/load.ts'
import { OauthConnections } from '../src/oauth-connections/resource.ts'
import { readRecordShape } from '../src/oauth-connections/shape.ts'
import type { StoredRecord } from '../src/oauth-connections/types.ts'
import { createMockServer } from '../src/server.ts'
import { loadSpec } from '../src/spec/spec.ts'

type FixtureRecord = Record<string, unknown>

const spec = loadSpec()
const shipped = JSON.parse(readFileSync(DEFAULT_FIXTURES_FILE, 'utf8')) as FixtureRecord[]
const directory = mkdtempSync(join(tmpdir(), 'oauth-connections-fixtures-'))
let fileCount = 0

test.after.always(() => {
  rmSync(directory, { recursive: true, force: true })
})

function newResource(): OauthConnections {
  return new OauthConnections(readRecordShape(spec))
}

/** Writes the content as a fixture file of its own and returns its path. */
function fixtureFile(content: unknown): string {
  fileCount += 1
  const file = join(directory, `fixtures-${fileCount}.json`)
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

/** The shipped records, changed by `change`. */
function shippedWith(change: (records: FixtureRecord[]) => void): FixtureRecord[] {
  const records = structuredClone(shipped)
  change(records)
  return records
}

function loadShipped(): StoredRecord[] {
  const resource = newResource()
  loadFixtures(spec, resource)
  return resource.store.search()
}

function withoutSecrets(record: StoredRecord): Record<string, unknown> {
  const columns: Record<string, unknown> = { ...record }
  for (const name of spec.writeOnly) delete columns[name]
  return columns
}

function generated(seed: number, count: number): StoredRecord[] {
  const resource = newResource()
  generateRecords(spec, resource, seed, count)
  return resource.store.search()
}

test('loadFixtures loads every shipped record, at least 12 of several providers', (t) => {
  const resource = newResource()

  const count = loadFixtures(spec, resource)

  const providers = new Set(resource.store.search().map((record) => record.predefined_type))
  t.true(count >= 12, `${count} records`)
  t.is(resource.store.size, shipped.length)
  t.true(providers.size >= 5, `${[...providers]}`)
})

test('the shipped fixtures have tokens that expired and tokens that have not', (t) => {
  const now = Date.now()

  const expiries = loadShipped().flatMap((record) =>
    record.expires_at ? [Date.parse(record.expires_at)] : [],
  )

  t.true(
    expiries.some((time) => time < now),
    'an expiry in the past',
  )
  t.true(
    expiries.some((time) => time > now),
    'an expiry in the future',
  )
})

test('the shipped fixtures have records with webhook settings and records without', (t) => {
  const records = loadShipped()

  const withWebhook = records.filter((record) => record.webhook_remote_url)

  t.true(withWebhook.length >= 2)
  t.true(withWebhook.length < records.length)
  for (const record of withWebhook) t.truthy(record.webhook_remote_method, record.name ?? '')
})

test('the shipped fixtures spread created_at over more than a year', (t) => {
  const times = loadShipped().map((record) => Date.parse(record.created_at))

  const spread = Math.max(...times) - Math.min(...times)

  t.true(spread > 366 * 86_400_000, `${spread / 86_400_000} days`)
})

test('the shipped fixtures keep their write-only fields, stored but apart from columns', (t) => {
  const resource = newResource()

  loadFixtures(spec, resource)

  const expected = shipped[0] as unknown as StoredRecord
  const first = resource.store.findById(expected.id)!
  t.is(first.client_secret, expected.client_secret)
  t.is(first.access_token, expected.access_token)
})

test('createMockServer loads the shipped fixtures by default, none with null', (t) => {
  const withFixtures = createMockServer({ logLevel: 'silent' })
  const without = createMockServer({ logLevel: 'silent', fixturesFile: null })

  t.is(withFixtures.resource.store.size, shipped.length)
  t.is(without.resource.store.size, 0)
})

const rejectsRecord = test.macro({
  exec(t, _what: string, index: number, field: string, change: (record: FixtureRecord) => void) {
    const file = fixtureFile(shippedWith((records) => change(records[index])))

    const error = t.throws(() => createMockServer({ fixturesFile: file, logLevel: 'silent' }))

    t.true(error?.message.includes(file), error?.message)
    t.true(error?.message.includes(`record ${index} `), error?.message)
    t.true(error?.message.includes(field), error?.message)
  },
  title: (_provided, what: string, index: number, field: string) =>
    `createMockServer rejects a fixture with ${what}, naming record ${index} and ${field}`,
})

test(rejectsRecord, 'a text decimal', 3, 'webhook_read_timeout', (record) => {
  record.webhook_read_timeout = 'ten'
})
test(rejectsRecord, 'a column missing', 5, 'name', (record) => {
  delete record.name
})
test(rejectsRecord, 'a date that does not exist', 0, 'created_at', (record) => {
  record.created_at = '2025-02-30T00:00:00Z'
})
test(rejectsRecord, 'a bad uuid', 2, 'uuid', (record) => {
  record.uuid = 'not-a-uuid'
})
test(rejectsRecord, 'another type', 4, 'type', (record) => {
  record.type = 'WebhookConnection'
})
test(rejectsRecord, 'a route path of another resource', 6, 'routes_show_path', (record) => {
  record.routes_show_path = '/webhooks/7'
})
test(rejectsRecord, 'a number as a secret', 1, 'client_secret', (record) => {
  record.client_secret = 987654321
})
test(rejectsRecord, 'a field the spec does not have', 7, 'color', (record) => {
  record.color = 'red'
})

test('createMockServer never quotes a bad secret of a fixture in its error', (t) => {
  const file = fixtureFile(shippedWith((records) => (records[1].access_token = 987654321)))

  const error = t.throws(() => createMockServer({ fixturesFile: file, logLevel: 'silent' }))

  t.regex(error?.message ?? '', /access_token/)
  t.false(error?.message.includes('987654321'), error?.message)
})

const rejectsDuplicate = test.macro({
  exec(t, _what: string, change: (records: FixtureRecord[]) => void, taken: RegExp) {
    const file = fixtureFile(shippedWith(change))

    const error = t.throws(() => loadFixtures(spec, newResource(), file))

    t.regex(error?.message ?? '', /record 1 /)
    t.regex(error?.message ?? '', taken)
  },
  title: (_provided, what: string) => `loadFixtures rejects a file with a duplicate ${what}`,
})

test(
  rejectsDuplicate,
  'id',
  (records) => {
    records[1].id = records[0].id
    records[1].routes_show_path = records[0].routes_show_path
    records[1].routes_edit_path = records[0].routes_edit_path
  },
  /id 1 is taken/,
)
test(
  rejectsDuplicate,
  'uuid, whatever its case',
  (records) => (records[1].uuid = String(records[0].uuid).toUpperCase()),
  /uuid .* is taken/,
)
test(
  rejectsDuplicate,
  'key',
  (records) => (records[1].key = records[0].key),
  /key salesforce-production is taken/,
)

test('loadFixtures rejects a file that is not JSON, naming the file', (t) => {
  const file = fixtureFile('[{"id": 1,')

  const error = t.throws(() => loadFixtures(spec, newResource(), file))

  t.true(error?.message.includes(file))
  t.regex(error?.message ?? '', /JSON/)
})

for (const [what, content] of [
  ['an object without oauth_connections', { records: [] }],
  ['a bare record', shipped[0]],
  ['null', null],
] as [string, unknown][]) {
  test(`loadFixtures rejects a file holding ${what}`, (t) => {
    const file = fixtureFile(JSON.stringify(content))

    const error = t.throws(() => loadFixtures(spec, newResource(), file))

    t.regex(error?.message ?? '', /must hold an array of records/)
  })
}

test('loadFixtures rejects a record that is not an object, naming its index', (t) => {
  const file = fixtureFile(shippedWith((records) => (records[2] = 'Salesforce' as never)))

  const error = t.throws(() => loadFixtures(spec, newResource(), file))

  t.regex(error?.message ?? '', /record 2 is not an object/)
})

test('loadFixtures reads records wrapped in {"oauth_connections": [...]}', (t) => {
  const file = fixtureFile({ oauth_connections: shipped.slice(0, 3) })
  const resource = newResource()

  const count = loadFixtures(spec, resource, file)

  t.is(count, 3)
  t.deepEqual(
    resource.store.search().map((record) => record.id),
    [3, 2, 1],
  )
})

test('loadFixtures stores times in UTC with milliseconds and finds an upper-case uuid', (t) => {
  const record = {
    ...shipped[0],
    uuid: 'AB9C2B7E-8D41-4A6F-B2E5-91C7D0A4E6F3',
    created_at: '2025-01-08T09:22:05-05:00',
    expires_at: '2027-03-04T10:15:42Z',
  }
  const resource = newResource()

  loadFixtures(spec, resource, fixtureFile([record]))

  const stored = resource.show('ab9c2b7e-8d41-4a6f-b2e5-91c7d0a4e6f3')
  t.is(stored.created_at, '2025-01-08T14:22:05.000Z')
  t.is(stored.expires_at, '2027-03-04T10:15:42.000Z')
  t.is(resource.show('AB9C2B7E-8D41-4A6F-B2E5-91C7D0A4E6F3').id, Number(shipped[0].id))
})

test('loadFixtures stores a record without write-only fields with them null', (t) => {
  const { client_secret: _secret, access_token: _token, ...record } = shipped[0]
  const resource = newResource()

  loadFixtures(spec, resource, fixtureFile([record]))

  const stored = resource.store.findById(Number(record.id))!
  t.is(stored.client_secret, null)
  t.is(stored.access_token, null)
})

test('generateRecords gives identical records for the same seed', (t) => {
  const first = generated(42, 30)

  const second = generated(42, 30)

  t.is(first.length, 30)
  t.deepEqual(second, first)
})

test('generateRecords gives different records for another seed', (t) => {
  const first = generated(42, 30)

  const other = generated(43, 30)

  t.notDeepEqual(other, first)
  t.notDeepEqual(
    other.map((record) => record.uuid),
    first.map((record) => record.uuid),
  )
})

test('generateRecords makes records that pass the OauthConnection check', (t) => {
  const records = generated(7, 200)

  const problems = records.flatMap((record) =>
    spec
      .check('OauthConnection')(withoutSecrets(record))
      .map((problem) => `${record.id} ${problem.parameter} ${problem.message}`),
  )

  t.deepEqual(problems, [])
})

test('generateRecords sets ids, route paths and unique keys as the server would', (t) => {
  const records = generated(11, 100)

  const ids = records.map((record) => record.id).sort((a, b) => a - b)

  t.deepEqual(
    ids,
    Array.from({ length: 100 }, (_, index) => index + 1),
  )
  t.is(new Set(records.map((record) => record.key)).size, 100)
  t.is(new Set(records.map((record) => record.uuid)).size, 100)
  for (const record of records) {
    t.is(record.routes_show_path, `/oauth_connections/${record.id}`)
    t.is(record.routes_edit_path, `/oauth_connections/${record.id}/edit`)
    t.regex(record.key, /^[a-z0-9]+(-[a-z0-9]+)*$/)
    t.is(record.deleted_at, null)
  }
})

test('generateRecords adds records after the fixtures, with ids that follow theirs', (t) => {
  const server = createMockServer({ logLevel: 'silent', count: 5, seed: 3 })
  const highest = Math.max(...shipped.map((record) => Number(record.id)))

  const ids = server.resource.store.search().map((record) => record.id)

  t.is(ids.length, shipped.length + 5)
  t.deepEqual(
    ids.filter((id) => id > highest).sort((a, b) => a - b),
    [1, 2, 3, 4, 5].map((step) => highest + step),
  )
})
