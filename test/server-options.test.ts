// Behaviour that needs the mock started with options: strict parameters, Basic auth, no
// fixtures and seeded generated records. Mock only; never run against a deployment.
import { STATUS_CODES } from 'node:http'

import test, { type ExecutionContext } from 'ava'

import { API, assertContract, type Answer } from '../contract-tests/_harness.ts'
import { createMockServer, type MockConfig, type MockServer } from '../src/server.ts'

interface Send {
  json?: unknown
  headers?: Record<string, string>
}

const servers: MockServer[] = []
let plainUrl: string
let strictUrl: string
let authUrl: string

async function start(config: Partial<MockConfig>): Promise<string> {
  const server = createMockServer({ port: 0, logLevel: 'silent', ...config })
  servers.push(server)
  return server.listen()
}

async function send(baseUrl: string, method: string, path: string, options: Send = {}) {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.json !== undefined) headers['content-type'] = 'application/json'

  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: the schema check shows the text.
  }
  return { status: response.status, headers: response.headers, body, text } as Answer
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

const RIGHT = basic('pub', 'priv')

async function listOf(baseUrl: string): Promise<Answer> {
  return send(baseUrl, 'GET', `${API}?per_page=1000`)
}

test.before(async () => {
  plainUrl = await start({})
  strictUrl = await start({ strict: true })
  authUrl = await start({ auth: { publicKey: 'pub', privateKey: 'priv' } })
})

test.after.always(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

// --- strict

/** Show and destroy declare no 422 in openapi.yaml: those are checked by hand. */
const DECLARES_422 = new Set([
  'listOauthConnections',
  'newOauthConnection',
  'createOauthConnection',
  'updateOauthConnection',
  'patchOauthConnection',
])

function assertEnvelope(t: ExecutionContext, answer: Answer, status: number): void {
  t.is(answer.status, status, answer.text.slice(0, 500))
  t.like(answer.body, { status, error: STATUS_CODES[status] })
  t.is(typeof answer.body.message, 'string')
  t.deepEqual(
    Object.keys(answer.body).filter(
      (key) => !['status', 'error', 'message', 'errors'].includes(key),
    ),
    [],
  )
}

const UNKNOWN: [string, string, string, unknown?][] = [
  ['GET /oauth_connections', 'listOauthConnections', `${API}?bogus=1`],
  ['GET /oauth_connections/new', 'newOauthConnection', `${API}/new?bogus=1`],
  ['GET /oauth_connections/:id', 'showOauthConnection', `${API}/1?bogus=1`],
  ['POST /oauth_connections', 'createOauthConnection', `${API}?bogus=1`, {}],
  ['POST /oauth_connections', 'createOauthConnection', API, { name: 'Strict', bogus: 1 }],
  ['POST /oauth_connections', 'createOauthConnection', API, { oauth_connection: { bogus: 1 } }],
  ['PATCH /oauth_connections/:id', 'patchOauthConnection', `${API}/2`, { bogus: 1 }],
  ['DELETE /oauth_connections/:id', 'destroyOauthConnection', `${API}/3?bogus=1`],
]

for (const [route, operationId, path, json] of UNKNOWN) {
  const method = route.split(' ')[0]
  const inQuery = path.includes('bogus')
  const given = inQuery ? 'bogus=1' : JSON.stringify(json)

  test(`with strict, ${route} given ${given} answers 422 naming bogus`, async (t) => {
    const answer = await send(strictUrl, method, path, { json })

    if (DECLARES_422.has(operationId)) assertContract(t, operationId, answer, 422)
    else assertEnvelope(t, answer, 422)
    const problems = (answer.body.errors ?? []).map(
      (error: { parameter: string; in: string }) => `${error.in} ${error.parameter}`,
    )
    t.deepEqual(problems, [`${inQuery ? 'query' : 'body'} bogus`])
  })

  test(`without strict, ${route} given ${given} ignores bogus`, async (t) => {
    const answer = await send(plainUrl, method, path, { json })

    t.true(answer.status >= 200 && answer.status < 300, `${answer.status}: ${answer.text}`)
    assertContract(t, operationId, answer, answer.status)
    t.false(answer.text.includes('bogus'), answer.text)
  })
}

test('with strict, POST /oauth_connections with known fields only answers 201', async (t) => {
  const fields = { oauth_connection: { name: 'Strict known', webhook_read_timeout: '2.5' } }

  const answer = await send(strictUrl, 'POST', `${API}?description=known`, { json: fields })

  assertContract(t, 'createOauthConnection', answer, 201)
  t.like(answer.body.oauth_connection, { name: 'Strict known', description: 'known' })
})

test('with strict, GET /oauth_connections with known parameters answers 200', async (t) => {
  const path = `${API}?fulltext=salesforce&per_page=5&page=1&root=true&time_zone=UTC`

  const answer = await send(strictUrl, 'GET', path)

  assertContract(t, 'listOauthConnections', answer, 200)
})

// --- auth

interface Route {
  route: string
  operationId: string
  method: string
  status: number
  /** Needs a record of its own, whose id goes in the path. */
  needsRecord: boolean
  json?: unknown
}

const ROUTES: Route[] = [
  { route: 'GET /oauth_connections', operationId: 'listOauthConnections', method: 'GET' },
  { route: 'GET /oauth_connections/new', operationId: 'newOauthConnection', method: 'GET' },
  { route: 'POST /oauth_connections', operationId: 'createOauthConnection', method: 'POST' },
  { route: 'GET /oauth_connections/:id', operationId: 'showOauthConnection', method: 'GET' },
  { route: 'PUT /oauth_connections/:id', operationId: 'updateOauthConnection', method: 'PUT' },
  { route: 'PATCH /oauth_connections/:id', operationId: 'patchOauthConnection', method: 'PATCH' },
  {
    route: 'DELETE /oauth_connections/:id',
    operationId: 'destroyOauthConnection',
    method: 'DELETE',
  },
].map((route) => ({
  ...route,
  status: route.method === 'POST' ? 201 : 200,
  needsRecord: route.route.endsWith(':id'),
  json: ['POST', 'PUT', 'PATCH'].includes(route.method) ? { name: 'Authorized' } : undefined,
}))

/** The route's path, on a record created with the right credentials when it needs one. */
async function pathOf(t: ExecutionContext, route: Route): Promise<string> {
  if (route.route.endsWith('/new')) return `${API}/new`
  if (!route.needsRecord) return API

  const created = await send(authUrl, 'POST', API, { json: { name: 'Auth' }, headers: RIGHT })
  assertContract(t, 'createOauthConnection', created, 201)
  return `${API}/${created.body.oauth_connection.id}`
}

const WRONG: [string, Record<string, string>][] = [
  ['no credentials', {}],
  ['a wrong public key', basic('nope', 'priv')],
  ['a wrong private key', basic('pub', 'nope')],
  ['a Bearer token', { authorization: 'Bearer priv' }],
]

for (const route of ROUTES) {
  for (const [what, headers] of WRONG) {
    test(`with auth, ${route.route} with ${what} answers 401 and a Basic challenge`, async (t) => {
      const path = await pathOf(t, route)

      const answer = await send(authUrl, route.method, path, { json: route.json, headers })

      assertContract(t, route.operationId, answer, 401)
      t.regex(answer.headers.get('www-authenticate') ?? '', /^Basic /)
    })
  }

  test(`with auth, ${route.route} answers one 401 message whichever half is wrong`, async (t) => {
    const path = await pathOf(t, route)

    const answers = await Promise.all(
      WRONG.map(([, headers]) => send(authUrl, route.method, path, { json: route.json, headers })),
    )

    const messages = answers.map((answer) => answer.body.message)
    t.is(typeof messages[0], 'string')
    t.is(new Set(messages).size, 1, messages.join(' | '))
  })

  test(`with auth, ${route.route} with right credentials answers ${route.status}`, async (t) => {
    const path = await pathOf(t, route)

    const answer = await send(authUrl, route.method, path, { json: route.json, headers: RIGHT })

    assertContract(t, route.operationId, answer, route.status)
  })
}

test('with auth, POST /oauth_connections without credentials stores nothing', async (t) => {
  const name = 'Unauthorized never stored'
  const refused = await send(authUrl, 'POST', API, { json: { name } })
  assertContract(t, 'createOauthConnection', refused, 401)

  const answer = await send(authUrl, 'GET', `${API}?fulltext=${encodeURIComponent(name)}`, {
    headers: RIGHT,
  })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.is(answer.body.metadata.total_count, 0)
})

// --- fixtures and generated records

test('with fixturesFile null, GET /oauth_connections answers an empty list', async (t) => {
  const baseUrl = await start({ fixturesFile: null })

  const answer = await listOf(baseUrl)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(answer.body.oauth_connections, [])
  t.is(answer.body.metadata.total_count, 0)
})

test('with count 5 and seed 7, two servers hold the same 5 records', async (t) => {
  const first = await start({ fixturesFile: null, count: 5, seed: 7 })
  const second = await start({ fixturesFile: null, count: 5, seed: 7 })

  const answers = [await listOf(first), await listOf(second)]

  assertContract(t, 'listOauthConnections', answers[0], 200)
  t.is(answers[0].body.metadata.total_count, 5)
  t.deepEqual(answers[1].body, answers[0].body)
})

test('with count 5, seed 8 gives other records than seed 7', async (t) => {
  const seven = await start({ fixturesFile: null, count: 5, seed: 7 })
  const eight = await start({ fixturesFile: null, count: 5, seed: 8 })

  const answers = [await listOf(seven), await listOf(eight)]

  assertContract(t, 'listOauthConnections', answers[1], 200)
  t.is(answers[1].body.metadata.total_count, 5)
  const uuidsOf = (answer: Answer) =>
    answer.body.oauth_connections.map((record: { uuid: string }) => record.uuid)
  const shared = uuidsOf(answers[1]).filter((uuid: string) => uuidsOf(answers[0]).includes(uuid))
  t.deepEqual(shared, [], 'seed 8 repeats records of seed 7')
})
