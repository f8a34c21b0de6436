// Auth, when on, says nothing about which half of the credentials was wrong; and the server,
// started without --host, is reachable from this machine only, and says where it listens.
// (test/server-options.test.ts already checks the 401 on every route, /new included, and
// that its message is one; this checks the whole answer, byte for byte.)
import test from 'ava'

import { createMockServer, type MockServer } from '../src/server.ts'
import { startCli, stopCli } from './_cli.ts'
import { API, describe, send, type Received } from './_client.ts'

const CREDENTIALS = { publicKey: 'pub-4f1a', privateKey: 'priv-9c2e' }

let server: MockServer
let base: string

test.before(async () => {
  server = createMockServer({ port: 0, logLevel: 'silent', auth: CREDENTIALS })
  base = await server.listen()
})

test.after.always(async () => {
  await server?.close()
})

function basic(userAndPassword: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(userAndPassword).toString('base64')}` }
}

const { publicKey: user, privateKey: password } = CREDENTIALS
const WRONG: [string, Record<string, string>][] = [
  ['a wrong user', basic(`nobody:${password}`)],
  ['a wrong password', basic(`${user}:nothing`)],
  ['both wrong', basic('nobody:nothing')],
  ['the password one character short', basic(`${user}:${password.slice(0, -1)}`)],
  ['the password in upper case', basic(`${user}:${password.toUpperCase()}`)],
  ['user and password swapped', basic(`${password}:${user}`)],
  ['no password', basic(user)],
  ['no header', {}],
  ['a header that is not base64', { authorization: 'Basic !!!' }],
]

const ROUTES: [string, string][] = [
  ['GET', API],
  ['GET', `${API}/new`],
  ['POST', API],
  ['GET', `${API}/1`],
  ['PUT', `${API}/1`],
  ['PATCH', `${API}/1`],
  ['DELETE', `${API}/1`],
]

/** What a client can compare between two refusals. */
function fingerprint(answer: Received) {
  const { 'content-type': type, 'content-length': length } = answer.headers
  const challenge = answer.headers['www-authenticate']
  return { status: answer.status, type, length, challenge, body: answer.text }
}

for (const [method, path] of ROUTES) {
  test(`with auth, ${method} ${path} answers the same 401 whatever is wrong`, async (t) => {
    const answers = []
    for (const [, headers] of WRONG) answers.push(await send(base, { method, path, headers }))

    const [first, ...rest] = answers.map(fingerprint)
    t.is(first.status, 401, describe(answers[0]))
    rest.forEach((other, index) => t.deepEqual(other, first, WRONG[index + 1][0]))
  })
}

test('with auth, GET /oauth_connections with the right credentials answers 200', async (t) => {
  const answer = await send(base, {
    method: 'GET',
    path: API,
    headers: basic(`${user}:${password}`),
  })

  t.is(answer.status, 200, describe(answer))
})

test('createMockServer without a host listens on 127.0.0.1 only', async (t) => {
  const local = createMockServer({ port: 0, logLevel: 'silent' })

  const url = new URL(await local.listen())

  t.is(url.hostname, '127.0.0.1')
  await local.close()
})

test('the CLI without --host binds 127.0.0.1 and prints that address first', async (t) => {
  const cli = await startCli(['--log-level', 'info'])
  try {
    const line = JSON.parse(cli.firstLine)
    const expected = `http://127.0.0.1:${cli.port}${API}`
    t.is(line.url, expected, cli.firstLine)
    t.true(String(line.msg).includes(expected), cli.firstLine)

    const answer = await send(`http://127.0.0.1:${cli.port}`, { method: 'GET', path: API })
    t.is(answer.status, 200, describe(answer))
  } finally {
    await stopCli(cli)
  }
})
