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
  type Hostile,
  type OperationName,
  type Param,
  type Pools,
} from './_hostile.ts'

const SEED = Number(process.env.FC_SEED ?? 20_261_203)
const RUNS = Number(process.env.FC_RUNS ?? 40)
/** Every property stops here even with a large FC_RUNS, so that a run stays bounded. */
const PROPERTY_TIME_LIMIT_MS = Number(process.env.FC_TIME_LIMIT_MS ?? 120_000)
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
  pools: Pools
}

async function startTarget(): Promise<Target> {
  const server = createMockServer({ port: 0, logLevel: 'silent' })
  return { server, base: await server.listen(), pools: poolsOf(server) }
}

/** The ids of the records a server starts with, and their uuids in upper case. */
function poolsOf(server: MockServer): Pools {
  const records = server.resource.list({ per_page: 1000 }).records
  const ids = records.flatMap((record) => [String(record.id), record.uuid.toUpperCase()])
  return { names: NAMES, ids }
}

// The fixtures are the same for every server: the arbitraries draw on one that never listens.
const UNSTARTED = createMockServer({ logLevel: 'silent' })
const POOLS = poolsOf(UNSTARTED)
const SEARCHABLE = UNSTARTED.resource.shape.searchable

// --- what must hold of every answer

type Oracle = (hostile: Hostile, sent: Sent, answer: Received) => string[]

function answerProblems(hostile: Hostile, sent: Sent, answer: Received): string[] {
  const info = OPERATIONS[hostile.operation]
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

/** Over the limits, the limit's status; under them, never that status. */
const limitsHold: Oracle = (hostile, sent, answer) => {
  const bodyBytes = sent.body === undefined ? 0 : Buffer.byteLength(sent.body)
  const readsBody = BODY_OPERATIONS.has(hostile.operation)
  const problems: string[] = []

  if (sent.path.length >= HEADER_LIMIT) {
    if (answer.status !== 431)
      problems.push(`a ${sent.path.length}-char URL answered ${answer.status}`)
  } else if (sent.path.length > URL_LIMIT) {
    if (answer.status !== 414)
      problems.push(`a ${sent.path.length}-char URL answered ${answer.status}`)
  } else if (readsBody && bodyBytes > BODY_LIMIT && answer.status !== 413) {
    problems.push(`a ${bodyBytes}-byte body answered ${answer.status}`)
  }
  if (bodyBytes <= BODY_LIMIT && answer.status === 413) {
    problems.push(`a ${bodyBytes}-byte body answered 413`)
  }
  return problems
}

/** fulltext is a literal, case-blind substring: every record found contains it. */
const fulltextIsLiteral: Oracle = (hostile, _sent, answer) => {
  const wanted = lastQueryValue(hostile, 'fulltext')?.toLowerCase()
  const records = answer.json?.oauth_connections
  if (hostile.operation !== 'list' || !wanted || !Array.isArray(records)) return []
  if (lastQueryValue(hostile, 'columns') !== undefined) return []

  return records
    .filter((record: Record<string, unknown>) =>
      SEARCHABLE.every(
        (field) =>
          !String(record[field] ?? '')
            .toLowerCase()
            .includes(wanted),
      ),
    )
    .map((record: { id: number }) => `fulltext=${wanted} found record ${record.id}`)
}

const ORACLES: Oracle[] = [pagingIsEchoed, zonesAreReal, limitsHold, fulltextIsLiteral]

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
    ...answerProblems(hostile, sent, answer),
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
  examples.push([{ operation: 'list', carrier: 'query', id: '1', params: [zone('constructor')] }])

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

  await holds(t, batch(hostile), { runs: Math.min(RUNS, 30) })
})

/** A request whose body, or URL, is `delta` bytes from its limit. */
function sized(operation: OperationName, carrier: Hostile['carrier'], key: string, delta: number) {
  const hostile: Hostile = { operation, carrier, id: '2', params: [param([key], text(''))] }
  const empty = render(hostile)
  const used = carrier === 'query' ? empty.path.length : Buffer.byteLength(empty.body ?? '')
  const limit = carrier === 'query' ? (delta > 4096 ? BODY_LIMIT : URL_LIMIT) : BODY_LIMIT
  const fill = 'x'.repeat(
    Math.max(limit + Math.sign(delta) * Math.min(Math.abs(delta), 64) - used, 0),
  )
  return { ...hostile, params: [param([key], text(fill))] }
}

test.serial('every operation answers bodies and URLs just under and over the limits', async (t) => {
  const hostile = fc
    .tuple(
      operationArb,
      carrierArb,
      fc.constantFrom('name', 'client_secret', 'fulltext', '__proto__', 'oauth_connection'),
      fc.constantFrom(-64, -1, 0, 1, 64, 8192),
    )
    .map(([operation, carrier, key, delta]) => sized(operation, carrier, key, delta))

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
    await holds(t, batch(hostile), { examples })
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

  const examples = ['page', 'per_page'].flatMap((name) =>
    ['1e309', '-0', 'NaN', '9007199254740993', `1${'0'.repeat(400)}`].map((number) => [
      {
        operation: 'list' as const,
        carrier: 'query' as const,
        id: '1',
        params: [raw(name, number)],
      },
    ]),
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

  const examples = REGEX_ATOMS.map((atom) => [
    {
      operation: 'list' as const,
      carrier: 'query' as const,
      id: '1',
      params: [param(['fulltext'], atom)],
    },
  ])
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
