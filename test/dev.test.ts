// `npm run dev`: tsx watch restarts the server when the spec or a fixture file changes. The
// test runs the dev script's command on copies in a temporary directory, so that editing them
// touches nothing of the project. Slow: each test starts tsx watch and waits for a restart.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import test, { type ExecutionContext } from 'ava'

import { API, FIXTURES_FILE } from './_mock.ts'
import { freePort, ROOT, spawnNode, stopChild, waitFor200, type Child } from './_process.ts'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const TSX = join('node_modules', '.bin', 'tsx')
const START_MS = 30_000
const RELOAD_MS = 30_000
const POLL_MS = 200

interface Dev {
  child: Child
  url: string
  spec: string
  fixtures: string
}

/**
 * The dev script with its watched paths moved to a temporary copy: `tsx watch --include SPEC
 * --include FIXTURES_DIR src/cli.ts`, and the server pointed at the same copies.
 */
async function startDev(t: ExecutionContext): Promise<Dev> {
  const directory = mkdtempSync(join(tmpdir(), 'oauth-mock-dev-'))
  t.teardown(() => rmSync(directory, { recursive: true, force: true }))
  const spec = join(directory, 'openapi.yaml')
  const fixturesDirectory = join(directory, 'fixtures')
  const fixtures = join(fixturesDirectory, 'oauth_connections.json')
  mkdirSync(fixturesDirectory)
  copyFileSync(join(ROOT, 'openapi.yaml'), spec)
  copyFileSync(FIXTURES_FILE, fixtures)
  const port = await freePort()
  const watched: Record<string, string> = { 'openapi.yaml': spec, fixtures: fixturesDirectory }
  const [command, ...args] = (pkg.scripts.dev as string).split(/\s+/)
  const devArgs = args.map((arg) => watched[arg] ?? arg)
  t.is(command, 'tsx')

  const child = spawnNode(
    [
      TSX,
      ...devArgs,
      '--spec',
      spec,
      '--fixtures',
      fixtures,
      '--port',
      String(port),
      '--log-level',
      'silent',
    ],
    { group: true },
  )
  t.teardown(() => stopChild(child, 'SIGKILL'))
  const url = `http://127.0.0.1:${port}`
  await waitFor200(child, `${url}${API}/1`, START_MS)
  return { child, url, spec, fixtures }
}

/** Polls `path` until `seen` holds for its JSON body, or the time is up; answers the last. */
async function pollUntil(dev: Dev, path: string, seen: (body: any) => boolean): Promise<unknown> {
  const deadline = Date.now() + RELOAD_MS
  let last: unknown

  while (Date.now() < deadline) {
    last = await fetch(`${dev.url}${path}`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.json())
      .catch((error: Error) => `no answer: ${error.message}`)
    if (seen(last)) return last
    await sleep(POLL_MS)
  }
  return last
}

test.serial('npm run dev watches openapi.yaml and fixtures, and runs src/cli.ts', (t) => {
  const dev = (pkg.scripts.dev as string).split(/\s+/)

  t.deepEqual(dev.slice(0, 2), ['tsx', 'watch'])
  t.is(dev.at(-1), 'src/cli.ts')
  t.true(dev.join(' ').includes('--include openapi.yaml'))
  t.true(dev.join(' ').includes('--include fixtures'))
})

test.serial('npm run dev restarts with the new records when a fixture file changes', async (t) => {
  t.timeout(60_000)
  const dev = await startDev(t)
  const records = JSON.parse(readFileSync(dev.fixtures, 'utf8'))
  records[0].name = 'Renamed while dev runs'

  writeFileSync(dev.fixtures, JSON.stringify(records, null, 2))

  const body = await pollUntil(
    dev,
    `${API}/${records[0].id}`,
    (answer) => answer?.oauth_connection?.name === 'Renamed while dev runs',
  )
  t.like(body, { oauth_connection: { name: 'Renamed while dev runs' } }, dev.child.output())
})

test.serial('npm run dev restarts with the new document when openapi.yaml changes', async (t) => {
  t.timeout(60_000)
  const dev = await startDev(t)
  const text = readFileSync(dev.spec, 'utf8')
  const title = /^ {2}title: (.*)$/m.exec(text)?.[1]
  t.truthy(title, 'openapi.yaml has an info title')

  writeFileSync(dev.spec, text.replace(/^ {2}title: .*$/m, '  title: Renamed while dev runs'))

  const body = await pollUntil(
    dev,
    '/openapi.json',
    (document) => document?.info?.title === 'Renamed while dev runs',
  )
  t.like(body, { info: { title: 'Renamed while dev runs' } }, dev.child.output())
})
