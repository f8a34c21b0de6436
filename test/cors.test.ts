// CORS as a browser app sees it: preflights answered before auth, the request's Origin echoed
// with credentials allowed, the paging and Location headers exposed, and --cors-origin
// refusing every other origin. Mock only.
import test from 'ava'

import { readConfig } from '../src/config.ts'
import { createMockServer, type MockConfig, type MockServer } from '../src/server.ts'

const API = '/api/v1/oauth_connections'
const APP = 'http://localhost:3000'
const OTHER = 'https://elsewhere.example'
/** API paths of every shape, and the docs routes: a preflight is answered on all of them. */
const PATHS = [API, `${API}/1`, `${API}/new`, '/docs', '/openapi.json', '/openapi.yaml']
const CREDENTIALS = `Basic ${Buffer.from('pub:priv').toString('base64')}`

const servers: MockServer[] = []
let openUrl: string
let authUrl: string
let restrictedUrl: string

async function start(config: Partial<MockConfig>): Promise<string> {
  const server = createMockServer({ port: 0, logLevel: 'silent', ...config })
  servers.push(server)
  return server.listen()
}

test.before(async () => {
  openUrl = await start({})
  authUrl = await start({ auth: { publicKey: 'pub', privateKey: 'priv' } })
  restrictedUrl = await start({ corsOrigins: [APP, 'http://127.0.0.1:5173'] })
})

test.after.always(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

/** What a browser sends before a credentialed JSON write: no credentials of its own. */
function preflight(url: string, origin = APP, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,prefer',
    },
  })
}

function listOf(header: string | null): string[] {
  return (header ?? '').split(',').map((part) => part.trim().toLowerCase())
}

for (const [name, url] of [
  ['without auth', () => openUrl],
  ['with auth on', () => authUrl],
] as const) {
  test(`a preflight is answered ${name}, on every kind of path`, async (t) => {
    for (const path of PATHS) {
      const response = await preflight(`${url()}${path}`, APP, 'PATCH')

      t.is(response.status, 204, path)
      t.is(response.headers.get('access-control-allow-origin'), APP, path)
      t.is(response.headers.get('access-control-allow-credentials'), 'true', path)
      t.deepEqual(
        listOf(response.headers.get('access-control-allow-methods')).filter((m) => m !== 'head'),
        ['get', 'post', 'put', 'patch', 'delete'],
        path,
      )
      t.deepEqual(
        listOf(response.headers.get('access-control-allow-headers')),
        ['authorization', 'content-type', 'prefer', 'x-mock-session'],
        path,
      )
      t.true(listOf(response.headers.get('vary')).includes('origin'), path)
    }
  })
}

test('any origin is echoed, credentials allowed, the paging headers exposed', async (t) => {
  for (const origin of [APP, OTHER, 'http://127.0.0.1:8080']) {
    const response = await fetch(`${openUrl}${API}?per_page=1`, { headers: { origin } })

    t.is(response.status, 200)
    t.is(response.headers.get('access-control-allow-origin'), origin)
    t.is(response.headers.get('access-control-allow-credentials'), 'true')
    t.true(listOf(response.headers.get('vary')).includes('origin'))
    t.deepEqual(listOf(response.headers.get('access-control-expose-headers')), [
      'x-total-count',
      'link',
      'location',
    ])
  }
})

test('a create exposes its Location to the browser', async (t) => {
  const response = await fetch(`${openUrl}${API}`, {
    method: 'POST',
    headers: { origin: APP, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'CORS test' }),
  })

  t.is(response.status, 201)
  t.truthy(response.headers.get('location'))
  t.is(response.headers.get('access-control-allow-origin'), APP)
  t.true(listOf(response.headers.get('access-control-expose-headers')).includes('location'))
})

test('with auth on, a 401 still carries CORS headers and a credentialed call works', async (t) => {
  const refused = await fetch(`${authUrl}${API}`, { headers: { origin: APP } })
  t.is(refused.status, 401)
  t.is(refused.headers.get('access-control-allow-origin'), APP)
  t.is(refused.headers.get('access-control-allow-credentials'), 'true')

  const allowed = await fetch(`${authUrl}${API}`, {
    headers: { origin: APP, authorization: CREDENTIALS },
  })
  t.is(allowed.status, 200)
  t.is(allowed.headers.get('access-control-allow-origin'), APP)
  t.is(allowed.headers.get('access-control-allow-credentials'), 'true')
})

test('a request without Origin gets no CORS headers', async (t) => {
  const response = await fetch(`${openUrl}${API}`)

  t.is(response.status, 200)
  t.is(response.headers.get('access-control-allow-origin'), null)
})

test('--cors-origin: the listed origins are echoed, any other is refused', async (t) => {
  for (const origin of [APP, 'http://127.0.0.1:5173']) {
    const response = await fetch(`${restrictedUrl}${API}`, { headers: { origin } })
    t.is(response.headers.get('access-control-allow-origin'), origin)
    t.is((await preflight(`${restrictedUrl}${API}`, origin)).status, 204)
  }

  const simple = await fetch(`${restrictedUrl}${API}`, { headers: { origin: OTHER } })
  t.is(simple.headers.get('access-control-allow-origin'), null)
  t.is(simple.headers.get('access-control-allow-credentials'), null)
  t.is(simple.headers.get('access-control-expose-headers'), null)

  const refused = await preflight(`${restrictedUrl}${API}`, OTHER)
  t.is(refused.headers.get('access-control-allow-origin'), null)
  t.is(refused.headers.get('access-control-allow-methods'), null)
})

test('--cors-origin is repeatable and comma-separated; MOCK_CORS_ORIGIN sets it too', (t) => {
  t.is(configWith([]).corsOrigins, undefined)
  t.deepEqual(
    configWith(['--cors-origin', APP, '--cors-origin', 'https://a.example, HTTPS://B.example/'])
      .corsOrigins,
    [APP, 'https://a.example', 'https://b.example'],
  )
  t.deepEqual(configWith([], `${APP},${OTHER}`).corsOrigins, [APP, OTHER])
  t.deepEqual(configWith(['--cors-origin', OTHER], APP).corsOrigins, [OTHER])
})

/**
 * readConfig with MOCK_CORS_ORIGIN set (or unset) both in the env it is given and in
 * process.env, whichever it reads; process.env is put back before returning.
 */
function configWith(argv: string[], corsOrigin?: string): MockConfig {
  const saved = process.env.MOCK_CORS_ORIGIN
  setCorsVariable(corsOrigin)
  try {
    return readConfig(argv, { ...process.env })
  } finally {
    setCorsVariable(saved)
  }
}

function setCorsVariable(value: string | undefined): void {
  if (value === undefined) delete process.env.MOCK_CORS_ORIGIN
  else process.env.MOCK_CORS_ORIGIN = value
}
