/**
 * npm run test:load — the mock under load, as a child process on 127.0.0.1.
 *
 * 1. Load: LOAD_CLIENTS (200) concurrent clients of mixed operations for LOAD_SECONDS (30):
 *    no 5xx, no socket error, no answer the model does not expect; afterwards every id
 *    answered 201 is readable unless this run deleted it, ids are unique, and total_count
 *    is what the model says.
 * 2. Soak: SOAK_SECONDS (60) at SOAK_RATE (200) requests a second, each client creating,
 *    reading, updating, listing and deleting in turn so that the data stays the same size;
 *    fails if RSS grows more than RSS_GROWTH_LIMIT (0.30) from the end of the warm-up.
 *
 * Prints a summary and exits 1 on any failure. Small figures make a quick run:
 * LOAD_SECONDS=3 SOAK_SECONDS=6 npm run test:load
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

import { freePort, HOST, ROOT } from '../_cli.ts'
import { API, send, type Received, type Sent } from '../_client.ts'

const LOAD_SECONDS = numberFrom('LOAD_SECONDS', 30)
const LOAD_CLIENTS = numberFrom('LOAD_CLIENTS', 200)
const SOAK_SECONDS = numberFrom('SOAK_SECONDS', 60)
const SOAK_RATE = numberFrom('SOAK_RATE', 200)
const SOAK_CLIENTS = 20
/** RSS is compared from the end of the warm-up: the first sixth of the soak, 10 s at most. */
const WARM_UP_SECONDS = Math.min(10, SOAK_SECONDS / 6)
const RSS_GROWTH_LIMIT = numberFrom('RSS_GROWTH_LIMIT', 0.3)
const REQUEST_TIMEOUT_MS = 10_000
const START_TIMEOUT_MS = 30_000
const CHECK_CONCURRENCY = 50

function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

// --- the server

interface Child {
  process: ChildProcess
  base: string
  /** Lines the server logged at warn or above: each is a failure. */
  complaints: string[]
}

async function startServer(): Promise<Child> {
  const port = await freePort()
  const args = ['--import', 'tsx', 'src/cli.ts', '--port', String(port), '--host', HOST]
  const child = spawn(process.execPath, [...args, '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const complaints: string[] = []
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    complaints.push(...chunk.split('\n').filter(Boolean))
  })

  const server = { process: child, base: `http://${HOST}:${port}`, complaints }
  await waitUntilUp(server)
  return server
}

async function waitUntilUp(server: Child): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS
  while (performance.now() < deadline) {
    if (server.process.exitCode !== null) throw new Error('the server exited at start')
    const up = await send(server.base, { method: 'GET', path: API, timeoutMs: 1000 }).then(
      (answer) => answer.status === 200,
      () => false,
    )
    if (up) return
    await sleep(100)
  }
  throw new Error(`the server did not answer within ${START_TIMEOUT_MS} ms`)
}

/** Resident memory in MiB, from /proc (Linux). */
function rssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const kiB = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  if (kiB === undefined) throw new Error('no VmRSS in /proc/PID/status')
  return Math.round((Number(kiB) / 1024) * 10) / 10
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  const code = await exited
  clearTimeout(timer)
  return code
}

// --- what the run knows, and what it counts

/** What the data must be: the records this run created, by whether it deleted them. */
interface Model {
  initialCount: number
  live: Set<number>
  deleted: Set<number>
  /** Every id answered 201, in order, duplicates kept: they are what must not happen. */
  created: number[]
}

interface Tally {
  requests: number
  byOperation: Record<string, number>
  socketErrors: string[]
  serverErrors: string[]
  /** Answers the model did not expect (a 404 for a live record, say). */
  surprises: string[]
  latenciesMs: number[]
}

const newTally = (): Tally => ({
  requests: 0,
  byOperation: {},
  socketErrors: [],
  serverErrors: [],
  surprises: [],
  latenciesMs: [],
})

interface Runner {
  base: string
  agent: Agent
  model: Model
  tally: Tally
}

/** One request: counted, timed, and checked against the status the model expects. */
async function call(
  runner: Runner,
  operation: string,
  sent: Sent,
  expected: number,
): Promise<Received | undefined> {
  const { tally } = runner
  tally.requests++
  tally.byOperation[operation] = (tally.byOperation[operation] ?? 0) + 1
  const started = performance.now()
  try {
    const answer = await send(runner.base, {
      ...sent,
      agent: runner.agent,
      timeoutMs: REQUEST_TIMEOUT_MS,
    })
    tally.latenciesMs.push(performance.now() - started)
    const line = `${sent.method} ${sent.path} → ${answer.status} ${answer.text.slice(0, 200)}`
    if (answer.status >= 500) tally.serverErrors.push(line)
    else if (answer.status !== expected) tally.surprises.push(line)
    return answer.status === expected ? answer : undefined
  } catch (error) {
    tally.socketErrors.push(`${sent.method} ${sent.path}: ${(error as Error).message}`)
    return undefined
  }
}

const json = (method: string, path: string, body: unknown): Sent => ({
  method,
  path,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

// --- operations

async function create(runner: Runner, mine: number[], label: string): Promise<void> {
  const name = `${label} ${runner.model.created.length}`
  const answer = await call(runner, 'create', json('POST', API, { name }), 201)
  const id = answer?.json?.oauth_connection?.id
  if (!answer) return
  if (!Number.isSafeInteger(id) || answer.headers.location !== `${API}/${id}`) {
    runner.tally.surprises.push(`create answered id ${id}, Location ${answer.headers.location}`)
    return
  }
  runner.model.created.push(id)
  runner.model.live.add(id)
  mine.push(id)
}

async function show(runner: Runner, id: number): Promise<void> {
  const answer = await call(runner, 'show', { method: 'GET', path: `${API}/${id}` }, 200)
  if (answer && answer.json?.oauth_connection?.id !== id) {
    runner.tally.surprises.push(`show ${id} answered record ${answer.json?.oauth_connection?.id}`)
  }
}

async function update(runner: Runner, id: number): Promise<void> {
  const body = { description: `updated at ${Date.now()}`, webhook_read_timeout: '2.5' }
  await call(runner, 'update', json('PATCH', `${API}/${id}`, body), 200)
}

async function list(runner: Runner): Promise<void> {
  const page = 1 + Math.floor(Math.random() * 5)
  const filter = Math.random() < 0.3 ? '&fulltext=load' : ''
  await call(runner, 'list', { method: 'GET', path: `${API}?page=${page}${filter}` }, 200)
}

async function destroy(runner: Runner, mine: number[]): Promise<void> {
  const id = mine.splice(Math.floor(Math.random() * mine.length), 1)[0]
  const answer = await call(runner, 'destroy', { method: 'DELETE', path: `${API}/${id}` }, 200)
  if (!answer) return
  runner.model.live.delete(id)
  runner.model.deleted.add(id)
}

/**
 * A client of the load phase: mixed operations on the records it created itself, so that no
 * other client's delete can make its expectations wrong.
 */
async function loadClient(runner: Runner, until: number): Promise<void> {
  const mine: number[] = []
  while (performance.now() < until) {
    const roll = Math.random()
    const id = mine[Math.floor(Math.random() * mine.length)]
    if (mine.length === 0 || roll < 0.3) await create(runner, mine, 'load')
    else if (roll < 0.55) await show(runner, id)
    else if (roll < 0.75) await update(runner, id)
    else if (roll < 0.9) await list(runner)
    else await destroy(runner, mine)
  }
}

/** A client of the soak: create, show, update, list, delete, paced to its share of the rate. */
async function soakClient(runner: Runner, until: number, pauseMs: number): Promise<void> {
  const mine: number[] = []
  const steps = [
    () => create(runner, mine, 'soak'),
    () => show(runner, mine[0]),
    () => update(runner, mine[0]),
    () => list(runner),
    () => destroy(runner, mine),
  ]
  for (let step = 0; performance.now() < until; step++) {
    const started = performance.now()
    const next = steps[step % steps.length]
    if (mine.length > 0 || step % steps.length === 0) await next()
    await sleep(Math.max(pauseMs - (performance.now() - started), 0))
  }
  while (mine.length > 0) await destroy(runner, mine)
}

// --- checks after a phase

/**
 * With a fresh agent: the phase's sockets sat idle while it ended, and the server closes idle
 * keep-alive sockets after 5 s, so reusing one could meet a reset that no client of the phase
 * caused.
 */
async function verify(phase: Runner): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CHECK_CONCURRENCY })
  try {
    return await check({ ...phase, agent })
  } finally {
    agent.destroy()
  }
}

async function check(runner: Runner): Promise<string[]> {
  const { model } = runner
  const problems: string[] = []
  if (new Set(model.created).size !== model.created.length) {
    problems.push(`${model.created.length - new Set(model.created).size} ids answered 201 twice`)
  }
  problems.push(...(await readEach(runner, [...model.live], 200)))
  problems.push(...(await readEach(runner, [...model.deleted], 404)))

  const answer = await send(runner.base, { method: 'GET', path: `${API}?per_page=1` })
  const expected = model.initialCount + model.live.size
  if (answer.json?.metadata?.total_count !== expected) {
    problems.push(`total_count ${answer.json?.metadata?.total_count}, the model says ${expected}`)
  }
  return problems
}

/** Shows every id, CHECK_CONCURRENCY at a time; lists the ones not answered `status`. */
async function readEach(runner: Runner, ids: number[], status: number): Promise<string[]> {
  const problems: string[] = []
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]
      const answer = await send(runner.base, {
        method: 'GET',
        path: `${API}/${id}`,
        agent: runner.agent,
      })
      if (answer.status !== status) problems.push(`show ${id}: ${answer.status}, not ${status}`)
    }
  }
  await Promise.all(Array.from({ length: CHECK_CONCURRENCY }, worker))
  return problems
}

// --- the phases

interface PhaseResult {
  name: string
  seconds: number
  tally: Tally
  problems: string[]
}

async function loadPhase(base: string, model: Model): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: LOAD_CLIENTS })
  const runner: Runner = { base, agent, model, tally: newTally() }
  const started = performance.now()
  const until = started + LOAD_SECONDS * 1000

  await Promise.all(Array.from({ length: LOAD_CLIENTS }, () => loadClient(runner, until)))
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  const problems = await verify(runner)
  return { name: 'load', seconds, tally: runner.tally, problems }
}

interface SoakResult extends PhaseResult {
  rssWarm: number
  rssEnd: number
}

async function soakPhase(base: string, model: Model, child: ChildProcess): Promise<SoakResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: SOAK_CLIENTS })
  const runner: Runner = { base, agent, model, tally: newTally() }
  const started = performance.now()
  const until = started + SOAK_SECONDS * 1000
  const pauseMs = (SOAK_CLIENTS * 1000) / SOAK_RATE

  const clients = Promise.all(
    Array.from({ length: SOAK_CLIENTS }, () => soakClient(runner, until, pauseMs)),
  )
  await sleep(WARM_UP_SECONDS * 1000)
  const rssWarm = rssMiB(child)
  await clients
  const rssEnd = rssMiB(child)
  const seconds = (performance.now() - started) / 1000

  agent.destroy()
  const problems = await verify(runner)
  const growth = (rssEnd - rssWarm) / rssWarm
  if (growth > RSS_GROWTH_LIMIT) {
    problems.push(`RSS grew ${(growth * 100).toFixed(1)}% (${rssWarm} → ${rssEnd} MiB)`)
  }
  return { name: 'soak', seconds, tally: runner.tally, problems, rssWarm, rssEnd }
}

// --- the report

function percentile(values: number[], share: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))])
}

function summarize(result: PhaseResult): string[] {
  const { tally } = result
  const operations = Object.entries(tally.byOperation)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ')
  return [
    `${result.name}: ${tally.requests} requests in ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(tally.requests / result.seconds)}/s; ${operations})`,
    `  latency p50 ${percentile(tally.latenciesMs, 0.5)} ms, ` +
      `p99 ${percentile(tally.latenciesMs, 0.99)} ms`,
    `  errors: ${tally.socketErrors.length} socket, ${tally.serverErrors.length} 5xx, ` +
      `${tally.surprises.length} unexpected answers`,
  ]
}

/** Every failure of a phase, the first few of each kind quoted. */
function failuresOf(result: PhaseResult): string[] {
  const quote = (kind: string, lines: string[]) =>
    lines.length === 0 ? [] : [`${result.name}: ${lines.length} ${kind}`, ...lines.slice(0, 5)]
  return [
    ...quote('socket errors', result.tally.socketErrors),
    ...quote('5xx answers', result.tally.serverErrors),
    ...quote('unexpected answers', result.tally.surprises),
    ...quote('problems after the phase', result.problems),
  ]
}

async function main(): Promise<number> {
  const server = await startServer()
  const failures: string[] = []
  try {
    const rssStart = rssMiB(server.process)
    const first = await send(server.base, { method: 'GET', path: `${API}?per_page=1` })
    const model: Model = {
      initialCount: first.json.metadata.total_count,
      live: new Set(),
      deleted: new Set(),
      created: [],
    }

    const load = await loadPhase(server.base, model)
    const rssAfterLoad = rssMiB(server.process)
    const soak = await soakPhase(server.base, model, server.process)

    console.log(
      [
        `oauth-connections-mock under load (${LOAD_CLIENTS} clients for ${LOAD_SECONDS} s, ` +
          `then ${SOAK_RATE}/s for ${SOAK_SECONDS} s)`,
        ...summarize(load),
        ...summarize(soak),
        `records: ${model.created.length} created, ${model.deleted.size} deleted, ` +
          `${model.initialCount + model.live.size} at the end`,
        `RSS: ${rssStart} MiB at start, ${rssAfterLoad} after the load, ` +
          `${soak.rssWarm} after the soak's warm-up, ${soak.rssEnd} at the end`,
      ].join('\n'),
    )
    failures.push(...failuresOf(load), ...failuresOf(soak))
    failures.push(...server.complaints.map((line) => `server logged: ${line.slice(0, 300)}`))
  } finally {
    const code = await stopServer(server.process)
    if (code !== 0) failures.push(`the server exited ${code} on SIGTERM`)
  }

  if (failures.length > 0) console.error(`FAILED\n${failures.join('\n')}`)
  else console.log('PASSED')
  return failures.length > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message)
    process.exit(1)
  },
)
