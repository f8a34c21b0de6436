// --state-file: the default data survives restarts, and a kill loses no acknowledged write. The
// state file is a snapshot followed by a log of changes, one JSON object a line. Mock only.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { assertContract } from '../contract-tests/_harness.ts'
import { createMockServer } from '../src/server.ts'
import {
  API,
  call,
  createRecord,
  FIXTURE_COUNT,
  FIXTURES_FILE,
  listedIds,
  startMock,
  type Mock,
} from './_mock.ts'
import { exitWithin, freePort, spawnNode, stopChild, waitFor200, type Child } from './_process.ts'

const FIXTURE_IDS = Array.from({ length: FIXTURE_COUNT }, (_, index) => index + 1)

/** A state file path in a temporary directory of this test's own, removed afterwards. */
function stateFileFor(t: ExecutionContext): string {
  const directory = mkdtempSync(join(tmpdir(), 'oauth-mock-state-'))
  t.teardown(() => rmSync(directory, { recursive: true, force: true }))
  return join(directory, 'state.jsonl')
}

interface Running extends Mock {
  /** Closes the server; again and again if need be, as the teardown does. */
  stop(): Promise<void>
}

/** A mock on this state file, stopped when the test ends. */
async function startOn(t: ExecutionContext, stateFile: string): Promise<Running> {
  const mock = await startMock({ stateFile })
  let stopped: Promise<void> | undefined
  const stop = () => (stopped ??= mock.server.close())
  t.teardown(stop)
  return { ...mock, stop }
}

function lineCount(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length
}

function sorted(ids: number[]): number[] {
  return [...ids].sort((a, b) => a - b)
}

test('with stateFile, a first start writes the fixtures to the file', async (t) => {
  const file = stateFileFor(t)

  const { url } = await startOn(t, file)

  t.true(existsSync(file))
  t.deepEqual(sorted(await listedIds(url)), FIXTURE_IDS)
  t.is(lineCount(file), FIXTURE_COUNT + 1)
})

test('with stateFile, creates, updates and deletes survive a restart', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  const kept = await createRecord(t, first.url, {
    name: 'Survives restarts',
    description: 'kept',
    webhook_read_timeout: 2.5,
    client_secret: 'state-secret',
  })
  const dropped = await createRecord(t, first.url, { name: 'Deleted before restart' })
  await call(first.url, 'PATCH', `${API}/1`, { json: { name: 'Renamed before restart' } })
  await call(first.url, 'DELETE', `${API}/2`)
  await call(first.url, 'DELETE', `${API}/${dropped.id}`)
  const before = first.server.resource.records()
  await first.stop()

  const second = await startOn(t, file)

  t.deepEqual(second.server.resource.records(), before)
  const shown = await call(second.url, 'GET', `${API}/${kept.id}`)
  assertContract(t, 'showOauthConnection', shown, 200)
  t.deepEqual(shown.body.oauth_connection, kept)
  const renamed = await call(second.url, 'GET', `${API}/1`)
  t.is(renamed.body.oauth_connection.name, 'Renamed before restart')
  t.is((await call(second.url, 'GET', `${API}/2`)).status, 404)
  t.is((await call(second.url, 'GET', `${API}/${dropped.id}`)).status, 404)
})

test('with stateFile, ids are not reused after a restart, not even a deleted one', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  const last = await createRecord(t, first.url, { name: 'Highest id, deleted' })
  await call(first.url, 'DELETE', `${API}/${last.id}`)
  await first.stop()
  const second = await startOn(t, file)

  const next = await createRecord(t, second.url, { name: 'After restart' })

  t.is(next.id, last.id + 1)
})

test('with stateFile, a write after two restarts is still kept', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  const one = await createRecord(t, first.url, { name: 'Before the first restart' })
  await first.stop()
  const second = await startOn(t, file)
  const two = await createRecord(t, second.url, { name: 'Before the second restart' })
  await second.stop()

  const third = await startOn(t, file)

  const ids = await listedIds(third.url)
  t.true(ids.includes(one.id))
  t.true(ids.includes(two.id))
})

test('with stateFile, admin reset and import are kept across a restart', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  const exported = await call(first.url, 'GET', '/__admin/state')
  const imported = await call(first.url, 'PUT', '/__admin/state', {
    json: { oauth_connections: exported.body.oauth_connections.slice(0, 4) },
  })
  t.is(imported.status, 200)
  await first.stop()

  const second = await startOn(t, file)

  t.is((await listedIds(second.url)).length, 4)
  await call(second.url, 'POST', '/__admin/reset')
  await second.stop()
  const third = await startOn(t, file)
  t.deepEqual(sorted(await listedIds(third.url)), FIXTURE_IDS)
})

test('with stateFile, a torn last line is ignored at start', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  await createRecord(t, first.url, { name: 'Whole line' })
  const before = first.server.resource.records()
  await first.stop()
  const torn = JSON.stringify({ put: { ...before[0], id: 999, name: 'Torn' } })
  appendFileSync(file, torn.slice(0, Math.floor(torn.length / 2)))

  const second = await startOn(t, file)

  t.deepEqual(second.server.resource.records(), before)
  t.is((await call(second.url, 'GET', `${API}/999`)).status, 404)
})

test('with stateFile, a write after a torn last line survives the next restart', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  await first.stop()
  appendFileSync(file, '{"put": {"id": 77, "na')
  const second = await startOn(t, file)

  const created = await createRecord(t, second.url, { name: 'Written after a torn line' })
  await second.stop()

  let names: string[] = []
  t.notThrows(() => {
    const third = createMockServer({ port: 0, logLevel: 'silent', stateFile: file })
    names = third.resource.records().map((record) => String(record.name))
  })
  t.true(names.includes('Written after a torn line'), `record ${created.id} is lost`)
})

test('with stateFile, a garbage line in the middle stops the start naming the line', (t) => {
  const file = stateFileFor(t)
  const records = JSON.parse(readFileSync(FIXTURES_FILE, 'utf8'))
  const lines = [
    JSON.stringify({ last_id: 14 }),
    JSON.stringify({ put: records[0] }),
    'this is not JSON',
    JSON.stringify({ put: records[1] }),
  ]
  writeFileSync(file, `${lines.join('\n')}\n`)

  const error = t.throws(() => createMockServer({ port: 0, logLevel: 'silent', stateFile: file }))

  t.regex(error?.message ?? '', /line 3\b/)
  t.true(error?.message.includes(file), error?.message)
})

test('with stateFile, more than 1000 changes rewrite the file and keep everything', async (t) => {
  const file = stateFileFor(t)
  const first = await startOn(t, file)
  const resource = first.server.resource
  const created = Array.from({ length: 600 }, (_, index) =>
    resource.create({ name: `Compacted ${index}`, client_secret: `secret ${index}` }),
  )
  for (const [index, record] of created.entries()) {
    if (index % 2 === 0) resource.update(String(record.id), { description: `updated ${index}` })
  }
  const linesBefore = lineCount(file)

  for (const [index, record] of created.entries()) {
    if (index % 3 === 0 || index === created.length - 1) resource.destroy(String(record.id))
  }

  t.true(linesBefore > 900, `${linesBefore} lines before`)
  t.true(lineCount(file) < linesBefore, `${lineCount(file)} lines after ${linesBefore}`)
  const live = resource.records()
  await first.stop()
  const second = await startOn(t, file)
  t.deepEqual(second.server.resource.records(), live)
  const next = await createRecord(t, second.url, { name: 'After compaction' })
  t.is(next.id, created[created.length - 1].id + 1)
})

// --- a kill in the middle of a write storm

interface Tracked {
  id: number
  name: string
  /** What the last acknowledged write left. */
  description: string
  deleted: boolean
  /** A write sent but never answered: it may or may not have been kept. */
  pending?: { description: string } | 'delete'
}

const STORM_WRITES = 300
const IN_FLIGHT = 20
const KILL_AFTER = 150

/** The CLI on a free port with this state file; it may not start (see the garbage test). */
async function spawnCli(file: string): Promise<{ child: Child; url: string }> {
  const port = await freePort()
  const flags = ['--port', String(port), '--log-level', 'silent', '--state-file', file]
  const child = spawnNode(['--import', 'tsx', 'src/cli.ts', ...flags])
  return { child, url: `http://127.0.0.1:${port}` }
}

async function startCli(file: string): Promise<{ child: Child; url: string }> {
  const { child, url } = await spawnCli(file)
  try {
    await waitFor200(child, `${url}${API}?per_page=1`, 30_000)
  } catch (error) {
    await stopChild(child, 'SIGKILL')
    throw error
  }
  return { child, url }
}

async function write(url: string, method: string, path: string, json?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: response.status, body: await response.json() }
}

/**
 * 20 workers, each creating a record, updating it and (every other one) deleting it, until
 * 300 writes are sent; the server is killed once 150 are answered.
 */
async function storm(
  url: string,
  kill: () => void,
): Promise<{ tracked: Tracked[]; acked: number }> {
  const tracked: Tracked[] = []
  let sent = 0
  let acked = 0
  let killed = false
  const send = async (method: string, path: string, json?: unknown) => {
    sent += 1
    try {
      const answer = await write(url, method, path, json)
      if (answer.status < 200 || answer.status > 299) {
        throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
      }
      acked += 1
      if (acked >= KILL_AFTER && !killed) {
        killed = true
        kill()
      }
      return answer.body.oauth_connection
    } catch (error) {
      if (!killed) throw error
      return undefined
    }
  }

  const worker = async (workerId: number) => {
    for (let round = 0; sent < STORM_WRITES && !killed; round += 1) {
      const name = `Storm ${workerId}-${round}`
      const created = await send('POST', API, { name, description: 'created' })
      if (!created) return
      const record: Tracked = { id: created.id, name, description: 'created', deleted: false }
      tracked.push(record)
      if (sent >= STORM_WRITES || killed) return

      const description = `updated ${workerId}-${round}`
      record.pending = { description }
      if (!(await send('PATCH', `${API}/${record.id}`, { description }))) return
      Object.assign(record, { description, pending: undefined })
      if (round % 2 === 1 || sent >= STORM_WRITES || killed) continue

      record.pending = 'delete'
      if (!(await send('DELETE', `${API}/${record.id}`))) return
      Object.assign(record, { deleted: true, pending: undefined })
    }
  }

  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, workerId) => worker(workerId)))
  return { tracked, acked }
}

test.serial('with --state-file, a SIGKILL mid-storm loses no answered write', async (t) => {
  const file = stateFileFor(t)
  const children: Child[] = []
  try {
    const first = await startCli(file)
    children.push(first.child)
    const { tracked, acked } = await storm(first.url, () => first.child.process.kill('SIGKILL'))
    await first.child.exited

    const second = await startCli(file)
    children.push(second.child)

    t.true(acked >= KILL_AFTER && acked < STORM_WRITES, `${acked} writes answered`)
    const list = await call(second.url, 'GET', `${API}?per_page=1000`)
    assertContract(t, 'listOauthConnections', list, 200)
    const byId = new Map<number, { name: string; description: string }>(
      list.body.oauth_connections.map((record: { id: number }) => [record.id, record]),
    )
    for (const id of FIXTURE_IDS) t.true(byId.has(id), `fixture ${id} is gone`)
    for (const record of tracked) {
      const found = byId.get(record.id)
      const pending = JSON.stringify(record.pending)
      const label = `record ${record.id} (${record.name}, pending ${pending})`
      if (record.deleted) {
        t.is(found, undefined, `${label} was deleted, and is back`)
      } else if (record.pending === 'delete' && found === undefined) {
        t.pass()
      } else {
        const allowed = [record.description]
        if (record.pending && record.pending !== 'delete') allowed.push(record.pending.description)
        t.is(found?.name, record.name, `${label} is lost`)
        t.true(allowed.includes(found?.description ?? ''), `${label}: ${found?.description}`)
      }
    }
  } finally {
    for (const child of children) await stopChild(child, 'SIGKILL')
  }
})

test.serial('with --state-file, the CLI stops on a garbage line naming it', async (t) => {
  const file = stateFileFor(t)
  writeFileSync(file, '{"last_id": 14}\nnot a state entry\n{"delete": 3}\n')
  const { child } = await spawnCli(file)
  try {
    const exit = await exitWithin(child, 30_000)

    t.not(exit?.code ?? 0, 0, child.output())
    t.regex(child.output(), /line 2\b/)
  } finally {
    await stopChild(child, 'SIGKILL')
  }
})
