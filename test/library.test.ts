// The package as other projects use it: its `exports` entry as a library, and its `bin` as a
// command.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

import test from 'ava'

import { assertContract } from '../contract-tests/_harness.ts'
import { createMockServer } from '../src/index.ts'
import { API, call } from './_mock.ts'
import { freePort, ROOT, spawnNode, stopChild, waitFor200 } from './_process.ts'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

test('the package imports by its name in plain node, with no TypeScript loader', async (t) => {
  const script =
    `const { createMockServer } = await import('${pkg.name}');` +
    "const mock = createMockServer({ port: 0, logLevel: 'silent' });" +
    "const answer = await fetch((await mock.listen()) + '/api/v1/oauth_connections');" +
    'console.log(answer.status); await mock.close()'

  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  })

  t.is(output.trim(), '200')
  t.is(pkg.exports['.'].types, './src/index.ts')
})

test('createMockServer with port 0 listens on a free port and answers the list', async (t) => {
  const server = createMockServer({ port: 0, logLevel: 'silent' })
  t.teardown(() => server.close().catch(() => {}))

  const url = await server.listen()

  t.regex(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.not(new URL(url).port, '0')
  const answer = await call(url, 'GET', API)
  assertContract(t, 'listOauthConnections', answer, 200)
  t.is(answer.body.metadata.total_count, 14)
})

test('two servers started with port 0 get ports of their own', async (t) => {
  const servers = [
    createMockServer({ port: 0, logLevel: 'silent' }),
    createMockServer({ port: 0, logLevel: 'silent' }),
  ]
  t.teardown(() => Promise.all(servers.map((server) => server.close().catch(() => {}))))

  const urls = await Promise.all(servers.map((server) => server.listen()))

  t.not(urls[0], urls[1])
  for (const url of urls) t.is((await call(url, 'GET', `${API}/1`)).status, 200)
})

test('close() stops the server: a request afterwards cannot connect', async (t) => {
  const server = createMockServer({ port: 0, logLevel: 'silent' })
  const url = await server.listen()
  t.is((await call(url, 'GET', API)).status, 200)

  await server.close()

  const error = await t.throwsAsync(call(url, 'GET', API))
  t.regex(String((error?.cause as { code?: string })?.code), /ECONNREFUSED|ECONNRESET/)
})

test('close() before listen() resolves at once', async (t) => {
  const server = createMockServer({ port: 0, logLevel: 'silent' })

  await t.notThrowsAsync(server.close())
})

test('listen() on a port in use rejects', async (t) => {
  const first = createMockServer({ port: 0, logLevel: 'silent' })
  t.teardown(() => first.close())
  const port = Number(new URL(await first.listen()).port)
  const second = createMockServer({ port, logLevel: 'silent' })

  const error = await t.throwsAsync(second.listen())

  t.is((error as { code?: string } | undefined)?.code, 'EADDRINUSE')
})

test.serial(
  'the package.json bin starts the CLI, which answers and stops on SIGTERM',
  async (t) => {
    const bin = pkg.bin['oauth-connections-mock']
    const port = await freePort()
    t.regex(readFileSync(new URL(bin, `file://${ROOT}/`), 'utf8'), /^#!\/usr\/bin\/env node\n/)

    const child = spawnNode([bin, '--port', String(port), '--log-level', 'silent'])
    try {
      await waitFor200(child, `http://127.0.0.1:${port}${API}`, 30_000)

      const answer = await call(`http://127.0.0.1:${port}`, 'GET', API)
      assertContract(t, 'listOauthConnections', answer, 200)
      await stopChild(child)
      t.like(await child.exited, { code: 0 }, child.output())
    } finally {
      await stopChild(child, 'SIGKILL')
    }
  },
)
