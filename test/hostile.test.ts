// Hostile input, generated: prototype keys, deep nesting, bodies at the size limit, NUL and
// invalid UTF-8, numbers at the edges, odd ids, repeated parameters and regex metacharacters,
// by every operation and every carrier. Each answer must be a 4xx in the error envelope or a
// 2xx the spec declares, never a 5xx or a hang; after each run no prototype has changed and
// the store still holds together.
//
// The seed is fixed, so a failure fails the same way again: FC_SEED=n replays another seed,
// FC_RUNS=n runs more (or fewer) inputs a property.
import test, { type ExecutionContext } from 'ava'
import fc from 'fast-check'

import { createMockServer, type MockServer } from '../src/server.ts'
import { loadSpec } from '../src/spec/spec.ts'
import {
  API,
  describe,
  envelopeProblemsOf,
  send,
  sendJson,
  type Received,
  type Sent,
} from './_client.ts'
import {
  anyAtomArb,
  describeSent,
  ESCAPE_ATOMS,
  hostileArb,
  idArb,
  INHERITED_NAMES,
  NUMBER_ATOMS,
  OPERATIONS,
  operationArb,
  paramArb,
  pathArb,
  PROTO_KEYS,
  REGEX_ATOMS,
  REGEX_METACHARACTERS,
  render,
  text,
  carrierArb,
  type Atom,
  type Carrier,
  type Hostile,
  type OperationName,
  type Param,
  type Pools,
} from './_hostile.ts'

const SEED = Number(process.env.FC_SEED ?? 20_261_203)
const RUNS = Number(process.env.FC_RUNS ?? 100)
/**
 * Every property stops here, whatever its runs, so that a run stays bounded: 6 s by default,
 * which keeps the file under a minute; 10 minutes when FC_RUNS asks for more.
 */
const PROPERTY_TIME_LIMIT_MS = Number(
  process.env.FC_TIME_LIMIT_MS ?? (process.env.FC_RUNS ? 600_000 : 6_000),
)
/** The full store check (a show per record) runs every this many runs, and at the end. */
const FULL_CHECK_EVERY = 10

const BODY_LIMIT = 1024 * 1024
const URL_LIMIT = 8 * 1024
const HEADER_LIMIT = 16 * 1024

console.log(`hostile: fast-check seed ${SEED}, ${RUNS} runs a property (replay: FC_SEED=${SEED})`)

const spec = loadSpec()
const NAMES = [
  ...new Set(
    spec.operations.flatMap((operation) => [
      ...operation.queryParameters.map((parameter) => parameter.name),
      ...(operation.fieldsParameter
        ? [
            operation.fieldsParameter.name,
            ...Object.keys(operation.fieldsParameter.schema.properties ?? {}),
          ]
        : []),
    ]),
  ),
]
const BODY_OPERATIONS = new Set<OperationName>(['create', 'update', 'patch'])
const UNZONES = new Set([...PROTO_KEYS, ...INHERITED_NAMES])

let inputsTried = 0

// --- the server of one property, and what it starts with

interface Target {
  server: MockServer
  base: string
}

async function startTarget(): Promise<Target> {
  const server = createMockServer({ port: 0, logLevel: 'silent' })
  return { server, base: await server.listen() }
}

/** The ids of the records a server starts with, and their uuids in upper case. */
function poolsOf(server: MockServer): Pools {
  const records = server.resource.list({ per_page: 1000 }).records
  const ids = records.flatMap((record) => [String(record.id), record.uuid.toUpperCase()])
  return { ids }
}

// The fixtures are the same for every server: the arbitraries draw on one that never listens.
const UNSTARTED = createMockServer({ logLevel: 'silent' })
const POOLS = poolsOf(UNSTARTED)
const SEARCHABLE = UNSTARTED.resource.shape.searchable

// --- what must hold of every answer

type Oracle = (hostile: Hostile, sent: Sent, answer: Received) => string[]

/** GET with the id `new` is no show: the static route /new answers it. */
function operationOf(hostile: Hostile): OperationName {
  return hostile.operation === 'show' && hostile.id === 'new' ? 'new' : hostile.operation
}

function answerProblems(hostile: Hostile, answer: Received): string[] {
  const info = OPERATIONS[operationOf(hostile)]
  if (answer.status >= 500) return [`answered ${answer.status}`]
  if (answer.status >= 400) return envelopeProblemsOf(answer)
  if (answer.status !== info.status) return [`answered ${answer.status}, not ${info.status}`]

  const check = spec.checkResponse(info.operationId, answer.status)
  const problems = check ? check(answer.json) : [{ message: 'no response in the spec' }]
  return problems.map((problem) => `body against the spec: ${JSON.stringify(problem)}`)
}

/** The decoded last value of a flat query parameter, when the query string carries it. */
function lastQueryValue(hostile: Hostile, name: string): string | undefined {
  if (hostile.carrier !== 'query') return undefined
  const given = hostile.params.filter((param) => param.path.join() === name)
  if (given.length === 0) return undefined
  try {
    return decodeURIComponent(given.at(-1)!.atom.query)
  } catch {
    return undefined
  }
}

/** A page the list answers is the page asked for, to the last digit. */
const pagingIsEchoed: Oracle = (hostile, _sent, answer) => {
  if (hostile.operation !== 'list' || answer.status !== 200) return []
  const metadata = answer.json?.metadata
  if (!metadata) return []

  return (['page', 'per_page'] as const).flatMap((name) => {
    const given = lastQueryValue(hostile, name)
    if (given === undefined || !/^\+?\d+$/.test(given)) return []
    const answered = metadata[name]
    const same = Number.isSafeInteger(answered) && BigInt(answered) === BigInt(given)
    return same ? [] : [`${name}=${given} answered as metadata.${name} ${answered}`]
  })
}

/** `constructor` and its kin name no time zone: a lookup must not find them on a prototype. */
const zonesAreReal: Oracle = (hostile, _sent, answer) => {
  const zone = lastQueryValue(hostile, 'time_zone')
  if (hostile.operation !== 'list' || zone === undefined || !UNZONES.has(zone)) return []

  const named = (answer.json?.errors ?? []).some(
    (problem: { parameter?: string }) => problem.parameter === 'time_zone',
  )
  return answer.status === 422 && named
    ? []
    : [`time_zone=${zone} answered ${answer.status}, not a 422 naming time_zone`]
}

/** A URL over 8 KiB answers 414; past 16 KiB Node refuses the head first, with 431. */
const urlLimitHolds: Oracle = (_hostile, sent, answer) => {
  const length = sent.path.length
  if (length <= URL_LIMIT) return []

  const near = length > HEADER_LIMIT - 1024 && length < HEADER_LIMIT
  const expected = length >= HEADER_LIMIT ? [431] : near ? [414, 431] : [414]
  return expected.includes(answer.status) ? [] : [`a ${length}-char URL answered ${answer.status}`]
}

/** A body over 1 MiB sent to create or update answers 413; no smaller body ever does. */
const bodyLimitHolds: Oracle = (hostile, sent, answer) => {
  const bytes = sent.body === undefined ? 0 : Buffer.byteLength(sent.body)
  const over = bytes > BODY_LIMIT
  const readsBody = BODY_OPERATIONS.has(hostile.operation) && sent.path.length <= URL_LIMIT

  if (over && readsBody && answer.status !== 413) return [`a ${bytes}-byte body: ${answer.status}`]
  if (!over && answer.status === 413) return [`a ${bytes}-byte body answered 413`]
  return []
}

/** fulltext is a literal, case-blind substring: every record found contains it. */
const fulltextIsLiteral: Oracle = (hostile, _sent, answer) => {
  const wanted = lastQueryValue(hostile, 'fulltext')?.toLowerCase()
  const records = answer.json?.oauth_connections
  if (hostile.operation !== 'list' || !wanted || !Array.isArray(records)) return []
  if (lastQueryValue(hostile, 'columns') !== undefined) return []

  const contains = (record: Record<string, unknown>) =>
    SEARCHABLE.some((field) =>
      String(record[field] ?? '')
        .toLowerCase()
        .includes(wanted),
    )
  const strays = records.filter((record) => !contains(record)).map((record) => record.id)
  return strays.length === 0
    ? []
    : [`fulltext=${JSON.stringify(wanted)} found records ${strays.join(', ')}, none holding it`]
}

const ORACLES: Oracle[] = [
  pagingIsEchoed,
  zonesAreReal,
  urlLimitHolds,
  bodyLimitHolds,
  fulltextIsLiteral,
]

async function tryOne(target: Target, hostile: Hostile): Promise<void> {
  const sent = render(hostile)
  inputsTried++
  let answer: Received
  try {
    answer = await send(target.base, sent)
  } catch (error) {
    throw new Error(`${describeSent(sent)}\n  failed: ${(error as Error).message}`)
  }

  const problems = [
    ...answerProblems(hostile, answer),
    ...ORACLES.flatMap((oracle) => oracle(hostile, sent, answer)),
  ]
  if (problems.length > 0) {
    throw new Error(`${describeSent(sent)}\n  got ${describe(answer)}\n  ${problems.join('\n  ')}`)
  }
}

// --- what must hold after each run

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
]
const prototypeNames = () => PROTOTYPES.map(([, proto]) => Reflect.ownKeys(proto).map(String))
const PRISTINE = prototypeNames()

function pollutionProblems(): string[] {
  const now = prototypeNames()
  const added = PROTOTYPES.flatMap(([name], index) =>
    now[index].filter((key) => !PRISTINE[index].includes(key)).map((key) => `${name}.${key}`),
  )
  const probe = {} as Record<string, unknown>
  const inherited = ['polluted', 'x', 'name'].filter((key) => probe[key] !== undefined)
  return [...added.map((key) => `${key} was added`), ...inherited.map((key) => `({}).${key} set`)]
}

/**
 * The list and the store agree: total_count is the number of records the list pages hold,
 * their ids are unique and, with `full`, every one of them answers show.
 */
async function storeProblems(target: Target, full: boolean): Promise<string[]> {
  const ids: number[] = []
  let total = 0

  for (let page = 1; page <= 1000; page++) {
    const path = `${API}?per_page=1000&page=${page}&columns=id`
    const answer = await send(target.base, { method: 'GET', path })
    if (answer.status !== 200) return [`list page ${page}: ${describe(answer)}`]
    total = answer.json.metadata.total_count
    ids.push(...answer.json.oauth_connections.map((record: { id: number }) => record.id))
    if (page >= answer.json.metadata.total_pages) break
  }

  const problems: string[] = []
  if (new Set(ids).size !== ids.length) problems.push(`duplicate ids in ${ids.join(',')}`)
  if (ids.length !== total) problems.push(`total_count ${total}, ${ids.length} records listed`)
  if (target.server.resource.store.size !== total) {
    problems.push(`total_count ${total}, ${target.server.resource.store.size} records stored`)
  }
  if (full) problems.push(...(await unreachable(target, ids)))
  return problems
}

async function unreachable(target: Target, ids: number[]): Promise<string[]> {
  const problems: string[] = []
  for (const id of ids) {
    const answer = await send(target.base, { method: 'GET', path: `${API}/${id}` })
    if (answer.status !== 200 || answer.json?.oauth_connection?.id !== id) {
      problems.push(`listed id ${id}, show answered ${describe(answer)}`)
    }
  }
  return problems
}

// --- running a property

interface PropertyOptions {
  runs?: number
  examples?: Hostile[][]
  /** Runs once on the fresh server, before the first input. */
  setup?: (target: Target) => Promise<void>
}

async function holds(
  t: ExecutionContext,
  requests: fc.Arbitrary<Hostile[]>,
  options: PropertyOptions = {},
): Promise<void> {
  const target = await startTarget()
  const before = inputsTried
  let run = 0

  try {
    await options.setup?.(target)
    await fc.assert(
      fc.asyncProperty(requests.map(describedAll), async (hostiles) => {
        for (const hostile of hostiles) await tryOne(target, hostile)
        run++
        const problems = [
          ...pollutionProblems(),
          ...(await storeProblems(target, run % FULL_CHECK_EVERY === 0)),
        ]
        if (problems.length > 0) throw new Error(`after the run: ${problems.join('; ')}`)
      }),
      {
        seed: SEED,
        numRuns: options.runs ?? RUNS,
        endOnFailure: true,
        interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS,
        examples: (options.examples ?? []).map((example) => [describedAll(example)]),
        includeErrorInReport: true,
      },
    )
    t.deepEqual(await storeProblems(target, true), [])
    t.deepEqual(pollutionProblems(), [])
  } finally {
    t.log(`${inputsTried - before} inputs in ${run} runs, seed ${SEED}`)
    await target.server.close()
  }
}

/** Counterexamples print as the request sent, shortened: a 1 MiB value stays readable. */
function describedAll(hostiles: Hostile[]): Hostile[] {
  return hostiles.map((hostile) =>
    Object.defineProperty({ ...hostile }, fc.toStringMethod, {
      value: () => describeSent(render(hostile)),
    }),
  )
}

const batch = (one: fc.Arbitrary<Hostile>) => fc.array(one, { minLength: 1, maxLength: 3 })

/** The same input by every carrier, for the examples every run tries. */
function everyCarrier(operation: OperationName, params: Param[], id = '1'): Hostile[] {
  return (['query', 'json', 'form'] as const).map((carrier) => ({
    operation,
    carrier,
    id,
    params,
  }))
}

const param = (path: string[], atom: Atom): Param => ({ path, atom })
/** One list request with these parameters in its query string. */
const listWith = (params: Param[]): Hostile[] => [
  { operation: 'list', carrier: 'query', id: '1', params },
]
const ONE: Atom = { query: '1', json: '1' }
const namesArb = fc.constantFrom(...NAMES)

test.after(() => {
  console.log(`hostile: ${inputsTried} inputs tried, seed ${SEED}`)
})

// --- the properties

test.serial('every operation answers prototype keys at any depth without pollution', async (t) => {
  const segments = fc.constantFrom('', ...PROTO_KEYS, 'x', 'polluted', 'name', '0')
  const paths = pathArb(fc.oneof(fc.constantFrom(...PROTO_KEYS), namesArb), segments, 4)
  const hasProtoKey = (params: Param[]) =>
    params.some((one) => one.path.some((key) => PROTO_KEYS.includes(key)))
  const params = fc
    .array(paramArb(paths, anyAtomArb(POOLS)), { minLength: 1, maxLength: 6 })
    .filter(hasProtoKey)

  const protoExamples = [
    param(['oauth_connection', '__proto__', 'x'], ONE),
    param(['__proto__', 'polluted'], ONE),
    param(['constructor', 'prototype', 'polluted'], ONE),
    param(['oauth_connection', 'constructor', 'prototype', 'name'], text('polluted')),
  ]
  const examples = (['new', 'create', 'update', 'list'] as const).flatMap((operation) =>
    protoExamples.map((example) => everyCarrier(operation, [example])),
  )
  examples.push(...INHERITED_NAMES.concat(PROTO_KEYS).map((name) => listWith([zone(name)])))

  await holds(t, batch(hostileArb(POOLS, params)), { examples })
})

function zone(name: string): Param {
  return param(['time_zone'], text(name))
}

test.serial('every operation answers JSON, forms and queries nested 10,000 deep', async (t) => {
  const depth = 10_000
  const deep = fc
    .tuple(
      fc.constantFrom('oauth_connection', 'name', 'ids', 'fulltext', '__proto__'),
      fc.constantFrom('a', '', '__proto__'),
    )
    .map(([head, segment]) => [param([head, ...Array<string>(depth).fill(segment)], ONE)])
  const raw = fc.constantFrom(
    '['.repeat(depth) + ']'.repeat(depth),
    '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    `{"oauth_connection":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  )
  const hostile = fc.oneof(
    hostileArb(POOLS, deep),
    fc.record({
      operation: operationArb,
      carrier: fc.constant('json' as const),
      id: idArb(POOLS),
      params: fc.constant<Param[]>([]),
      body: raw,
    }),
  )

  const nested = (head: string, segment: string) => [
    param([head, ...Array<string>(depth).fill(segment)], ONE),
  ]
  const examples = (['create', 'update', 'new', 'list'] as const).flatMap((operation) => [
    ...everyCarrier(operation, nested('name', 'a')).map((one) => [one]),
    ...everyCarrier(operation, nested('oauth_connection', '')).map((one) => [one]),
  ])
  await holds(t, batch(hostile), { runs: Math.min(RUNS, 30), examples })
})

/** A request whose body, or in a query string its URL, is `offset` bytes from its limit. */
function sized(operation: OperationName, carrier: Carrier, key: string, offset: number): Hostile {
  const hostile: Hostile = { operation, carrier, id: '2', params: [param([key], text(''))] }
  const empty = render(hostile)
  const used = carrier === 'query' ? empty.path.length : Buffer.byteLength(empty.body ?? '')
  const limit = carrier === 'query' ? URL_LIMIT : BODY_LIMIT
  return { ...hostile, params: [param([key], text('x'.repeat(limit + offset - used)))] }
}

test.serial('every operation answers bodies and URLs under and over the limits', async (t) => {
  const hostile = fc
    .tuple(
      operationArb,
      carrierArb,
      fc.constantFrom('name', 'client_secret', 'fulltext', '__proto__', 'oauth_connection'),
      fc.constantFrom(-64, -1, 0, 1, 64, BODY_LIMIT),
    )
    .map(([operation, carrier, key, offset]) => sized(operation, carrier, key, offset))

  const examples = (['create', 'update', 'patch'] as const).flatMap((operation) =>
    (['json', 'form'] as const).map((carrier) => [
      sized(operation, carrier, 'name', 0),
      sized(operation, carrier, 'name', 1),
    ]),
  )
  await holds(t, batch(hostile), { runs: Math.min(RUNS, 30), examples })
})

test.serial(
  'every operation answers NUL and invalid UTF-8 escapes with a 4xx or 2xx',
  async (t) => {
    const keys = fc.oneof(namesArb, fc.constantFrom('%00', '%FF', 'na%E0%A4%Ame', 'name%00'))
    const paths = pathArb(keys, fc.constantFrom('%00', '%FF', 'name', ''), 2)
    const params = fc.array(paramArb(paths, fc.constantFrom(...ESCAPE_ATOMS)), {
      minLength: 1,
      maxLength: 4,
    })
    const ids = fc.constantFrom('%00', '%FF', '%E0%A4%A', '1%00', '%', '%C0%80')
    const hostile = hostileArb(POOLS, params).chain((one) => ids.map((id) => ({ ...one, id })))

    const examples = (['list', 'new', 'create', 'update'] as const).flatMap((operation) =>
      ['%00', '%E0%A4%A', '%FF'].map((escape) =>
        everyCarrier(operation, [param(['name'], { query: escape, json: '"\\u0000"' })], escape),
      ),
    )
    // NUL in fulltext: no record holds one, so none may be found, not even across two fields.
    for (const text of ['%00', '%00%00', 'alpha%00omega']) {
      examples.push(listWith([raw('fulltext', text)]))
    }
    const setup = async (target: Target) => {
      const fields = { name: 'Boundary alpha', description: 'omega across fields' }
      const created = await sendJson(target.base, 'POST', API, fields)
      t.is(created.status, 201, describe(created))
    }
    await holds(t, batch(hostile), { examples, setup })
  },
)

test.serial('every operation answers numbers at the edges with a 4xx or exact 2xx', async (t) => {
  const numeric = fc.constantFrom(
    'page',
    'per_page',
    'ids',
    'expires_in',
    'webhook_read_timeout',
    'name',
    'oauth_connection',
  )
  const paths = pathArb(numeric, fc.constantFrom('', 'expires_in'), 1)
  const params = fc.array(paramArb(paths, fc.constantFrom(...NUMBER_ATOMS)), {
    minLength: 1,
    maxLength: 4,
  })

  const examples = ['page', 'per_page', 'ids'].flatMap((name) =>
    ['1e309', '-0', 'NaN', '9007199254740993', `1${'0'.repeat(400)}`].map((number) =>
      listWith([raw(name, number)]),
    ),
  )
  await holds(t, batch(hostileArb(POOLS, params)), { examples })
})

function raw(name: string, value: string): Param {
  return param([name], { query: value, json: value })
}

test.serial('show, update, destroy and ids= answer odd ids with a 404, 422 or 2xx', async (t) => {
  const withIds = fc.constantFrom<OperationName>('show', 'update', 'patch', 'destroy', 'list')
  const idAtoms = idArb(POOLS).map((id) => ({ query: id, json: JSON.stringify(id) }))
  const params = fc.array(paramArb(pathArb(fc.constant('ids'), fc.constant(''), 1), idAtoms), {
    maxLength: 4,
  })

  await holds(t, batch(hostileArb(POOLS, params, withIds)))
})

test('show answers a live record by its upper-case uuid', async (t) => {
  const target = await startTarget()
  const [uuid] = POOLS.ids.filter((id) => id.includes('-'))

  const answer = await send(target.base, { method: 'GET', path: `${API}/${uuid}` })

  t.is(answer.status, 200, describe(answer))
  t.is(answer.json?.oauth_connection?.uuid, uuid.toLowerCase())
  await target.server.close()
})

test.serial('every operation answers repeated parameters with a 4xx or 2xx', async (t) => {
  const repeated = fc.constantFrom<string[]>(
    ['page'],
    ['per_page'],
    ['fulltext'],
    ['root'],
    ['columns'],
    ['ids'],
    ['ids', ''],
    ['time_zone'],
    ['name'],
    ['client_secret'],
    ['oauth_connection', 'name'],
    ['expires_at'],
  )
  const atoms = fc.oneof(
    fc.constantFrom(text('1'), text('2'), text(''), text('id,name'), text('false')),
    anyAtomArb(POOLS),
  )
  const group = fc
    .tuple(repeated, fc.array(atoms, { minLength: 2, maxLength: 4 }))
    .map(([path, values]) => values.map((atom) => param(path, atom)))
  const params = fc.array(group, { minLength: 1, maxLength: 3 }).map((groups) => groups.flat())

  await holds(t, batch(hostileArb(POOLS, params)))
})

test.serial('list answers every regex metacharacter in fulltext as literal text', async (t) => {
  const metacharacters = fc
    .array(fc.constantFrom(...REGEX_METACHARACTERS, 'a', 'b'), { minLength: 1, maxLength: 6 })
    .map((characters) => text(characters.join('')))
  const atoms = fc.oneof(fc.constantFrom(...REGEX_ATOMS), metacharacters)
  const params = fc.array(paramArb(pathArb(fc.constant('fulltext'), fc.constant(''), 0), atoms), {
    minLength: 1,
    maxLength: 2,
  })

  const examples = REGEX_ATOMS.map((atom) => listWith([param(['fulltext'], atom)]))
  const setup = async (target: Target) => {
    for (const name of [REGEX_METACHARACTERS.join(''), 'a.b', 'a*b (c)', '[x]', 'back\\slash']) {
      const created = await sendJson(target.base, 'POST', API, { name })
      t.is(created.status, 201, describe(created))
    }
  }
  await holds(t, batch(hostileArb(POOLS, params, fc.constant('list'))), { examples, setup })
})

test.serial('every operation answers all of it mixed with a 4xx or 2xx', async (t) => {
  const keys = fc.oneof(namesArb, fc.constantFrom(...PROTO_KEYS, ...INHERITED_NAMES, '%00'))
  const segments = fc.oneof(namesArb, fc.constantFrom('', ...PROTO_KEYS, 'x'))
  const params = fc.array(paramArb(pathArb(keys, segments, 3), anyAtomArb(POOLS)), {
    maxLength: 8,
  })
  const hostile = hostileArb(POOLS, params)

  await holds(t, fc.array(hostile, { minLength: 1, maxLength: 4 }))
})
