// Property-based tests of the mock with fast-check, each against its own in-process mock:
// (a) any body openapi.yaml's OauthConnectionParams accepts is stored as sent;
// (b) any body or list query that breaks the spec answers a 4xx in the error envelope;
// (c) random sequences of create, update, destroy, show and list agree with a small model.
//
// The seed is fixed when CI is set, random otherwise, and printed first: FC_SEED=n replays a
// run, FC_RUNS=n runs each property n times instead of its default.
import assert from 'node:assert/strict'
import { STATUS_CODES } from 'node:http'

import test from 'ava'
import fc from 'fast-check'

import { createMockServer, type MockServer } from '../src/server.ts'
import { componentSchema, readDocument, resolve, type SchemaObject } from '../src/spec/document.ts'

const CI_SEED = 20_261_203
const SEED = Number(process.env.FC_SEED || (process.env.CI ? CI_SEED : randomSeed()))
const RUNS = Number(process.env.FC_RUNS) || undefined
console.log(`fast-check seed ${SEED}: replay with FC_SEED=${SEED} npx ava test/properties.test.ts`)

const API = '/api/v1/oauth_connections'

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}

function params(defaultRuns: number) {
  return { seed: SEED, numRuns: RUNS ?? defaultRuns, includeErrorInReport: true }
}

// ---------------------------------------------------------------------------------------------
// The writable fields, read from openapi.yaml: their kind, their pattern, whether write-only.

type Kind = 'text' | 'decimal' | 'time'

interface Field {
  name: string
  kind: Kind
  pattern?: RegExp
  writeOnly: boolean
}

const document = readDocument()

const FIELDS: Field[] = Object.entries(
  componentSchema(document, 'OauthConnectionParams').properties ?? {},
).map(([name, node]) => fieldOf(name, node as SchemaObject))

function fieldOf(name: string, node: SchemaObject): Field {
  const schema = resolve<SchemaObject>(document, node)
  const types = [schema.type].flat()
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined
  const kind: Kind = types.includes('number') ? 'decimal' : pattern ? 'time' : 'text'
  return { name, kind, pattern, writeOnly: node.writeOnly === true }
}

/** Fields the server fills itself when they are blank or null (README: "unless given"). */
const SERVER_SET = new Set(['created_at', 'updated_at'])

// ---------------------------------------------------------------------------------------------
// HTTP against one mock.

interface Answer {
  status: number
  headers: Headers
  body: any
}

interface Mock {
  server: MockServer
  call(method: string, path: string, json?: unknown): Promise<Answer>
}

async function startMock(): Promise<Mock> {
  const server = createMockServer({ port: 0, logLevel: 'silent' })
  const base = await server.listen()
  const call = async (method: string, path: string, json?: unknown): Promise<Answer> => {
    const init: RequestInit = { method }
    if (json !== undefined) {
      init.headers = { 'content-type': 'application/json' }
      init.body = JSON.stringify(json)
    }
    const response = await fetch(`${base}${path}`, init)
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: parse(text) }
  }
  return { server, call }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Runs a property against a fresh mock, closed afterwards whatever happens. */
async function withMock(run: (mock: Mock) => Promise<void>): Promise<void> {
  const mock = await startMock()
  try {
    await run(mock)
  } finally {
    await mock.server.close()
  }
}

function assertEnvelope(answer: Answer, context: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${context}: status ${answer.status}`)
  assert.equal(answer.body?.status, answer.status, `${context}: envelope status`)
  assert.equal(answer.body?.error, STATUS_CODES[answer.status], `${context}: envelope error`)
  assert.equal(typeof answer.body?.message, 'string', `${context}: envelope message`)
}

// ---------------------------------------------------------------------------------------------
// (a) Valid values, generated from the schema, and what the server must answer for each.

/** A real time in one of the shapes the spec's Time pattern allows, with its instant. */
interface TimeValue {
  text: string
  /** Whole milliseconds since the epoch, the fraction past them cut off. */
  instant: number
  /** True when the text gives digits past the millisecond: rounding may add one. */
  finer: boolean
}

const DAY_MS = 86_400_000

/** Date.UTC without its two-digit-year quirk: year 99 is 0099, not 1999. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

const dateArb = fc
  .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) })
  .chain(({ year, month }) => {
    const days = (utc(year, month + 1, 1) - utc(year, month, 1)) / DAY_MS
    return fc.record({
      year: fc.constant(year),
      month: fc.constant(month),
      day: fc.integer({ min: 1, max: days }),
    })
  })

const offsetArb = fc.oneof(
  fc.constant({ text: '', minutes: 0 }),
  fc.constantFrom({ text: 'Z', minutes: 0 }, { text: ' Z', minutes: 0 }),
  fc
    .record({
      sign: fc.constantFrom(1, -1),
      hours: fc.integer({ min: 0, max: 14 }),
      minutes: fc.integer({ min: 0, max: 59 }),
      colon: fc.boolean(),
      space: fc.boolean(),
    })
    .map(({ sign, hours, minutes, colon, space }) => ({
      text: `${space ? ' ' : ''}${sign > 0 ? '+' : '-'}${pad(hours)}${colon ? ':' : ''}`,
      minutes: sign * (hours * 60 + minutes),
      digits: pad(minutes),
    }))
    .map(({ text, minutes, digits }) => ({ text: text + digits, minutes })),
)

const clockArb = fc.record({
  separator: fc.constantFrom('T', ' '),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
  fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
  offset: offsetArb,
})

const timeArb: fc.Arbitrary<TimeValue> = fc
  .tuple(dateArb, fc.option(clockArb, { nil: undefined }))
  .map(([date, clock]) => timeValue(date, clock))
  // The response writes four-digit UTC years: the server refuses instants outside them, which
  // the spec's pattern does not say (reported).
  .filter(({ instant }) => instant >= utc(1, 1, 1) && instant < utc(10000, 1, 1))

type Clock = typeof clockArb extends fc.Arbitrary<infer T> ? T : never

function timeValue(
  { year, month, day }: { year: number; month: number; day: number },
  clock: Clock | undefined,
): TimeValue {
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`
  if (!clock) return { text: date, instant: utc(year, month, day), finer: false }

  const { separator, hour, minute, second, fraction, offset } = clock
  const seconds = second === undefined ? '' : `:${pad(second)}${fraction ? `.${fraction}` : ''}`
  const text = `${date}${separator}${pad(hour)}:${pad(minute)}${seconds}${offset.text}`
  const exact = utc(year, month, day, hour, minute, second ?? 0)
  // Digits, not floating point: past year 1 a double cannot hold a millisecond's fraction.
  const digits = second !== undefined && fraction ? fraction.padEnd(9, '0') : '000000000'
  const instant = exact + Number(digits.slice(0, 3)) - offset.minutes * 60_000
  return { text, instant, finer: /[1-9]/.test(digits.slice(3)) }
}

const BLANK = fc.stringMatching(/^[ \t\n]{0,3}$/)

function validValue(field: Field): fc.Arbitrary<unknown> {
  if (field.kind === 'text') return fc.option(fc.string({ unit: 'binary', maxLength: 30 }))
  if (field.kind === 'time') return fc.oneof(timeArb, BLANK, fc.constant(null))
  return fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    // Numeric strings from the spec's own pattern; the server refuses those past a double's
    // range (1e400), which the pattern does not say (reported).
    fc.stringMatching(field.pattern!).filter((text) => Number.isFinite(Number(text))),
    BLANK,
    fc.constant(null),
  )
}

const validBodyArb = fc.record(
  Object.fromEntries(FIELDS.map((field) => [field.name, validValue(field)])),
  { requiredKeys: [] },
)

/** Asserts what a stored record answers for a field it was given `value` for. */
function assertStored(field: Field, value: unknown, answered: unknown, startedAt: number): void {
  const where = `${field.name} given ${JSON.stringify(value)}`
  if (field.writeOnly) return assert.equal(answered, undefined, `${where} is answered`)
  if (field.kind === 'text') return assert.equal(answered, value, where)

  const blank = value === null || (typeof value === 'string' && value.trim() === '')
  // JSON writes -0 as 0.
  if (field.kind === 'decimal')
    return assert.equal(answered, blank ? null : Number(value) || 0, where)
  if (blank && SERVER_SET.has(field.name))
    return assert.ok(
      Date.parse(String(answered)) >= startedAt - 1,
      `${where}: now, not ${answered}`,
    )
  if (blank) return assert.equal(answered, null, where)

  const time = value as TimeValue
  const gap = Date.parse(String(answered)) - time.instant
  const allowed = time.finer ? [0, 1] : [0]
  assert.ok(allowed.includes(gap), `${field.name} given ${time.text}: ${answered}, ${gap} ms off`)
}

/** The JSON body to send: times as their text. */
function wire(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, isTime(value) ? value.text : value]),
  )
}

function isTime(value: unknown): value is TimeValue {
  return typeof value === 'object' && value !== null && 'instant' in value
}

test('POST /oauth_connections stores any body the spec accepts, as a show answers', async (t) => {
  await withMock(async (mock) => {
    const property = fc.asyncProperty(validBodyArb, fc.boolean(), async (body, wrapped) => {
      const sent = wire(body)
      const startedAt = Date.now()

      const created = await mock.call('POST', API, wrapped ? { oauth_connection: sent } : sent)
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const shown = await mock.call('GET', `${API}/${created.body.oauth_connection.id}`)

      assert.equal(shown.status, 200)
      assert.deepEqual(shown.body, created.body)
      const record = shown.body.oauth_connection
      for (const field of FIELDS.filter(({ name }) => name in body))
        assertStored(field, body[field.name], record[field.name], startedAt)
    })
    await fc.assert(property, params(150))
  })
  t.pass()
})

test('generated times match the Time pattern of openapi.yaml', (t) => {
  const pattern = FIELDS.find((field) => field.kind === 'time')!.pattern!

  fc.assert(
    fc.property(timeArb, (time) => pattern.test(time.text)),
    params(500),
  )
  t.pass()
})

// ---------------------------------------------------------------------------------------------
// (b) Values that break the schema, in bodies and in list queries.

const OBJECTISH = fc.oneof(
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }),
)

/** Texts no time pattern takes, and texts the pattern takes that name no real time. */
const BAD_TIME_TEXT = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.constantFrom('2023-02-29', '2024-13-01', '2024-04-31 10:00', '2024-01-01T25:00'),
  fc.constantFrom('2024-01-01T10:60', '2024-01-01T10:00:61', '2024-01-01T10:00+15:00'),
  fc.constantFrom('2024-01-01T10:00+05:99', 'yesterday', '01/02/2016', '2016-1-1'),
)

function badValue(field: Field): fc.Arbitrary<unknown> {
  const blankOrMatching = (text: string) => text.trim() === '' || field.pattern!.test(text)
  // No infinities: JSON writes them as null, which a text field takes.
  const number = fc.double({ noNaN: true, noDefaultInfinity: true })
  if (field.kind === 'text') return fc.oneof(fc.integer(), number, OBJECTISH)
  if (field.kind === 'decimal')
    return fc.oneof(
      OBJECTISH,
      fc.string().filter((text) => !blankOrMatching(text)),
    )
  return fc.oneof(
    fc.integer(),
    OBJECTISH,
    BAD_TIME_TEXT.filter((text) => text.trim() !== '' && !isRealTime(text, field.pattern!)),
  )
}

/** A pattern-shaped time that exists: the generator of (a) accepts it. */
function isRealTime(text: string, pattern: RegExp): boolean {
  if (!pattern.test(text)) return false
  const [year, month, day] = text.slice(0, 10).split('-').map(Number)
  const clock = /[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.slice(10))
  const offset = /([+-])(\d{2}):?(\d{2})?$/.exec(text.slice(16))
  const dayOk = day >= 1 && month >= 1 && month <= 12 && day <= new Date(year, month, 0).getDate()
  const clockOk = !clock || (+clock[1] < 24 && +clock[2] < 60 && +(clock[3] ?? 0) < 60)
  const offsetOk = !offset || (+offset[2] <= 14 && +(offset[3] ?? 0) <= 59)
  return dayOk && clockOk && offsetOk
}

const SECRET = 'cs-property-never-echoed'

/** A valid body with one field made wrong, and a secret that must not come back. */
const badBodyArb = fc.constantFrom(...FIELDS).chain((field) =>
  fc.record({
    field: fc.constant(field),
    bad: badValue(field),
    rest: validBodyArb,
    wrapped: fc.boolean(),
  }),
)

test('POST, PUT and PATCH with a body that breaks the schema answer a 4xx envelope', async (t) => {
  await withMock(async (mock) => {
    const before = await mock.call('GET', `${API}/1`)
    const count = async () =>
      (await mock.call('GET', `${API}?per_page=1`)).body.metadata.total_count
    const countBefore = await count()
    const property = fc.asyncProperty(
      badBodyArb,
      fc.constantFrom('POST', 'PUT', 'PATCH'),
      async ({ field, bad, rest, wrapped }, method) => {
        const fields = { ...wire(rest), client_secret: SECRET, [field.name]: bad }
        const path = method === 'POST' ? API : `${API}/1`

        const answer = await mock.call(
          method,
          path,
          wrapped ? { oauth_connection: fields } : fields,
        )

        assertEnvelope(answer, `${method} ${field.name}=${JSON.stringify(bad)}`)
        assert.ok(!JSON.stringify(answer.body).includes(SECRET), 'the secret is echoed')
      },
    )
    await fc.assert(property, params(150))
    // Nothing may have changed: every write above was refused.
    assert.deepEqual((await mock.call('GET', `${API}/1`)).body, before.body)
    assert.equal(await count(), countBefore)
  })
  t.pass()
})

const notBlank = (text: string) => text.trim() !== ''
const notDecimalInteger = (text: string) => !/^\s*[+-]?\d+\s*$/.test(text)
const BOOLEAN_WORDS = /^(1|0|true|false|yes|no|on|off)$/i
const TIME_TEXT = new RegExp(componentSchema(document, 'TimeText').pattern!)
const COLUMN_NAMES = new Set(
  Object.keys(componentSchema(document, 'OauthConnectionColumns').properties ?? {}),
)

/** For each list parameter, values the spec (and README's choices) call invalid. */
const BAD_QUERY: Record<string, fc.Arbitrary<string>> = {
  page: fc.oneof(
    fc.integer({ max: 0 }).map(String),
    fc.string().filter((text) => notBlank(text) && notDecimalInteger(text)),
  ),
  per_page: fc.oneof(
    fc.integer({ max: 0 }).map(String),
    fc.integer({ min: 1001 }).map(String),
    fc.double({ noInteger: true, noNaN: true }).map(String),
  ),
  ids: fc
    .tuple(
      fc.array(fc.nat().map(String)),
      fc.string().filter((s) => notBlank(s) && notDecimalInteger(s)),
    )
    .map(([good, bad]) => [...good, bad].join(','))
    .filter((text) => !text.includes('[') && !text.includes(']')),
  root: fc.string().filter((text) => notBlank(text) && !BOOLEAN_WORDS.test(text.trim())),
  columns: fc
    .stringMatching(/^[a-z_]{1,12}$/)
    .filter((name) => !COLUMN_NAMES.has(name))
    .map((name) => `id,${name}`),
  created_at_from: BAD_TIME_TEXT.filter((text) => notBlank(text) && !isRealTime(text, TIME_TEXT)),
  created_at_to: BAD_TIME_TEXT.filter((text) => notBlank(text) && !isRealTime(text, TIME_TEXT)),
  time_zone: fc.stringMatching(/^[A-Za-z]{3,10}$/).map((name) => `Nowhere/${name}`),
}

test('GET /oauth_connections with a query that breaks the schema answers 422', async (t) => {
  const parameterArb = fc.constantFrom(...Object.keys(BAD_QUERY))
  const queryArb = parameterArb.chain((name) => fc.tuple(fc.constant(name), BAD_QUERY[name]))

  await withMock(async (mock) => {
    const property = fc.asyncProperty(queryArb, async ([name, value]) => {
      const answer = await mock.call('GET', `${API}?${new URLSearchParams({ [name]: value })}`)

      assertEnvelope(answer, `${name}=${JSON.stringify(value)}`)
      assert.equal(answer.status, 422)
      const named = answer.body.errors?.map((error: { parameter: string }) => error.parameter)
      assert.ok(named?.includes(name), `errors name ${named}, not ${name}`)
    })
    await fc.assert(property, params(200))
  })
  t.pass()
})

test('GET /oauth_connections/new with a field that breaks the schema answers 422', async (t) => {
  const stringBad = fc
    .constantFrom(...FIELDS.filter((field) => field.kind !== 'text'))
    .chain((field) =>
      fc.tuple(
        fc.constant(field),
        (badValue(field) as fc.Arbitrary<unknown>).filter(
          (value): value is string => typeof value === 'string',
        ),
      ),
    )

  await withMock(async (mock) => {
    const property = fc.asyncProperty(stringBad, async ([field, value]) => {
      const query = new URLSearchParams({ [field.name]: value })

      const answer = await mock.call('GET', `${API}/new?${query}`)

      assertEnvelope(answer, `new ${field.name}=${JSON.stringify(value)}`)
    })
    await fc.assert(property, params(100))
  })
  t.pass()
})

// ---------------------------------------------------------------------------------------------
// (c) The model: what the records are, by the README's rules, checked after every command.

const TEXT_SEARCHED = [
  'name',
  'description',
  'client_id',
  'webhook_remote_url',
  'webhook_remote_method',
  'webhook_remote_body',
  'webhook_remote_headers',
  'webhook_response_success_codes',
  'access_token_path',
]

interface ModelRecord {
  id: number
  uuid: string
  createdAt: number
  texts: Record<string, string | null>
}

interface Model {
  live: Map<number, ModelRecord>
  /** Every id seen, deleted ones too, so commands also aim at what is gone. */
  everId: number[]
  maxId: number
}

const WORDS = ['alpha', 'Beta', 'gamma', 'ALPHA beta', 'delta-gamma']
const TIMES = ['2021-01-01T00:00:00.000Z', '2022-06-15T12:00:00.000Z', '2025-01-08T14:22:05.000Z']
const UNKNOWN_ID = 999_999

/** Picks a known id (live or deleted), or one that never existed, from a generated index. */
function pick(model: Model, index: number, byUuid: boolean): { key: string; id: number } {
  const ids = [...model.everId, UNKNOWN_ID]
  const id = ids[index % ids.length]
  const uuid = model.live.get(id)?.uuid
  return { key: byUuid && uuid ? uuid : String(id), id }
}

function modelOf(answer: any): ModelRecord {
  return {
    id: answer.id,
    uuid: answer.uuid,
    createdAt: Date.parse(answer.created_at),
    texts: Object.fromEntries(TEXT_SEARCHED.map((name) => [name, answer[name]])),
  }
}

function assertRecord(expected: ModelRecord, answer: any, context: string): void {
  assert.deepEqual(modelOf(answer), expected, context)
}

type Real = Mock

class Create implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly name: string,
    readonly description: string | null,
    readonly createdAt: string | undefined,
  ) {}
  check = () => true
  async run(model: Model, real: Real) {
    const startedAt = Date.now()
    const fields = { name: this.name, description: this.description, created_at: this.createdAt }
    const answer = await real.call('POST', API, { oauth_connection: fields })
    assert.equal(answer.status, 201)
    const record = answer.body.oauth_connection
    assert.ok(record.id > model.maxId, `id ${record.id} after ${model.maxId}`)
    const createdAt = this.createdAt ? Date.parse(this.createdAt) : Date.parse(record.created_at)
    if (!this.createdAt) assert.ok(createdAt >= startedAt - 1, 'created_at is now')
    const texts = { ...emptyTexts(), name: this.name, description: this.description }
    const expected = { id: record.id, uuid: record.uuid, createdAt, texts }
    assertRecord(expected, record, 'created')
    model.live.set(record.id, expected)
    model.everId.push(record.id)
    model.maxId = record.id
  }
  toString = () => `create(${JSON.stringify([this.name, this.description, this.createdAt])})`
}

function emptyTexts(): Record<string, string | null> {
  return Object.fromEntries(TEXT_SEARCHED.map((name) => [name, null]))
}

class Update implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly method: 'PUT' | 'PATCH',
    readonly fields: { name?: string; description?: string | null; created_at?: string },
  ) {}
  check = () => true
  async run(model: Model, real: Real) {
    const { key, id } = pick(model, this.index, false)
    const answer = await real.call(this.method, `${API}/${key}`, this.fields)
    const current = model.live.get(id)
    if (!current) return assert.equal(answer.status, 404)

    assert.equal(answer.status, 200)
    const { created_at, ...texts } = this.fields
    const createdAt = created_at ? Date.parse(created_at) : current.createdAt
    const expected = { ...current, createdAt, texts: { ...current.texts, ...texts } }
    assertRecord(expected, answer.body.oauth_connection, `${this.method} ${id}`)
    model.live.set(id, expected)
  }
  toString = () => `update(${this.index}, ${this.method}, ${JSON.stringify(this.fields)})`
}

class Destroy implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: Model, real: Real) {
    const { key, id } = pick(model, this.index, false)
    const answer = await real.call('DELETE', `${API}/${key}`)
    if (!model.live.has(id)) return assert.equal(answer.status, 404)

    assert.equal(answer.status, 200)
    assert.notEqual(answer.body.oauth_connection.deleted_at, null)
    model.live.delete(id)
  }
  toString = () => `destroy(${this.index})`
}

class Show implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly byUuid: boolean,
  ) {}
  check = () => true
  async run(model: Model, real: Real) {
    const { key, id } = pick(model, this.index, this.byUuid)
    const answer = await real.call('GET', `${API}/${key}`)
    const current = model.live.get(id)
    if (!current) return assert.equal(answer.status, 404)

    assert.equal(answer.status, 200)
    assertRecord(current, answer.body.oauth_connection, `show ${key}`)
  }
  toString = () => `show(${this.index}, ${this.byUuid ? 'uuid' : 'id'})`
}

interface ListQuery {
  page: number
  per_page: number
  fulltext?: string
  ids?: number[]
  created_at_from?: string
  created_at_to?: string
}

class List implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly query: ListQuery,
    readonly idIndexes: number[] | undefined,
  ) {}
  check = () => true
  async run(model: Model, real: Real) {
    const query = { ...this.query, ids: this.idIndexes?.map((i) => pick(model, i, false).id) }
    const answer = await real.call('GET', `${API}?${listSearch(query)}`)

    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    const matching = expectedList(model, query)
    const { page, per_page } = query
    const pageIds = matching.slice((page - 1) * per_page, page * per_page).map((r) => r.id)
    assert.deepEqual(
      answer.body.oauth_connections.map((r: { id: number }) => r.id),
      pageIds,
    )
    const total_pages = Math.ceil(matching.length / per_page)
    const metadata = { page, per_page, total_count: matching.length, total_pages }
    assert.deepEqual(answer.body.metadata, metadata)
  }
  toString = () => `list(${JSON.stringify(this.query)}, ids ${this.idIndexes})`
}

function listSearch(query: ListQuery): URLSearchParams {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const id of value) search.append('ids[]', String(id))
    else search.set(name, String(value))
  }
  return search
}

/** The README's list: live records, filtered, newest first, then by id, both descending. */
function expectedList(model: Model, query: ListQuery): ModelRecord[] {
  const from = query.created_at_from ? Date.parse(query.created_at_from) : -Infinity
  const to = query.created_at_to ? Date.parse(query.created_at_to) : Infinity
  const text = query.fulltext?.toLowerCase()
  return [...model.live.values()]
    .filter((record) => !query.ids || query.ids.includes(record.id))
    .filter((record) => record.createdAt >= from && record.createdAt <= to)
    .filter((record) => !text || matches(record, text))
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
}

/** Fulltext: the text as typed, in any case, in any of the searched text columns. */
function matches(record: ModelRecord, text: string): boolean {
  return Object.values(record.texts).some((value) => value?.toLowerCase().includes(text))
}

const indexArb = fc.nat({ max: 1000 })

/** A filter in one list of four: with every filter on, most lists would be empty. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 })
}

const commandArbs = [
  fc
    .tuple(
      fc.constantFrom(...WORDS),
      fc.option(fc.constantFrom(...WORDS), { nil: null }),
      fc.option(fc.constantFrom(...TIMES), { nil: undefined }),
    )
    .map(([name, description, createdAt]) => new Create(name, description, createdAt)),
  fc
    .tuple(
      indexArb,
      fc.constantFrom('PUT' as const, 'PATCH' as const),
      fc.record(
        {
          name: fc.constantFrom(...WORDS),
          description: fc.option(fc.constantFrom(...WORDS), { nil: null }),
          created_at: fc.constantFrom(...TIMES),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([index, method, fields]) => new Update(index, method, fields)),
  indexArb.map((index) => new Destroy(index)),
  fc.tuple(indexArb, fc.boolean()).map(([index, byUuid]) => new Show(index, byUuid)),
  fc
    .tuple(
      fc.record({
        page: fc.integer({ min: 1, max: 4 }),
        per_page: fc.integer({ min: 1, max: 6 }),
        fulltext: sometimes(fc.constantFrom('alpha', 'BETA', 'gam', 'a-g', 'zzz')),
        created_at_from: sometimes(fc.constantFrom(...TIMES)),
        created_at_to: sometimes(fc.constantFrom(...TIMES)),
      }),
      sometimes(fc.array(indexArb, { minLength: 1, maxLength: 6 })),
    )
    .map(([query, ids]) => new List(query, ids)),
]

/** The model of a fresh mock: the fixtures, as its first list answers them. */
async function initialModel(mock: Mock): Promise<Model> {
  const answer = await mock.call('GET', `${API}?per_page=1000`)
  const records: ModelRecord[] = answer.body.oauth_connections.map(modelOf)
  const ids = records.map((record) => record.id)
  return {
    live: new Map(records.map((record) => [record.id, record])),
    everId: ids,
    maxId: Math.max(0, ...ids),
  }
}

test('create, update, destroy, show and list agree with the model in any order', async (t) => {
  const property = fc.asyncProperty(
    fc.commands(commandArbs, { maxCommands: 30 }),
    async (commands) => {
      await withMock(async (mock) => {
        const model = await initialModel(mock)
        await fc.asyncModelRun(() => ({ model, real: mock }), commands)
      })
    },
  )
  await fc.assert(property, params(40))
  t.pass()
})
