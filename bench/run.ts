/**
 * npm run bench [-- --duration S] [-- --connections N] [-- --quick]
 *
 * Starts this mock, a bare node:http server (the ceiling) and Prism as child processes on
 * 127.0.0.1, loads each with the same scenarios in alternating order, measures start times and
 * memory, and writes bench/results.md. --quick loads this mock alone for a second a scenario,
 * prints the table instead, and fails only on errors or non-2xx answers.
 */
import { spawn } from 'node:child_process'
import { writeFileSync, realpathSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'

import {
  emptySample,
  FILTERED_LIST_PATH,
  load,
  SCENARIOS,
  summarize,
  type LoadOptions,
  type Sample,
  type Scenario,
} from './load.ts'
import {
  HOST,
  killAllNow,
  LIST_PATH,
  ROOT,
  rssMiB,
  spawnNode,
  stop,
  stopAll,
  waitForOk,
  type Child,
} from './processes.ts'
import { renderReport } from './report.ts'
import type { Report, Row, ServerName, StartFigure } from './report.ts'

const RESULTS_FILE = join(ROOT, 'bench', 'results.md')
const START_TIMEOUT_MS = 120_000
/** Lets a fresh server settle (lazy compiles, the first GC) before its memory is read. */
const SETTLE_MS = 1000
const START_RUNS = 3
const BENCH_COUNT = 10_000
const BIG_COUNT = 100_000
const USAGE = 'usage: npm run bench -- [--duration S] [--connections N] [--quick]'

interface Options {
  duration: number
  connections: number
  quick: boolean
}

type Args = (port: number) => string[]

// The bundle `npm start` runs (built by scripts/build.mjs before the run), so that start
// figures are what a user of `npm start` gets.
const mockArgs =
  (...extra: string[]): Args =>
  (port) => [
    ...['dist/cli.mjs', '--port', String(port), '--host', HOST],
    ...['--log-level', 'silent', ...extra],
  ]

const bareArgs: Args = (port) => ['--import', 'tsx', 'bench/bare-server.ts', String(port)]

// The real script behind node_modules/.bin/prism, run by node itself so that the PID we read
// memory from is Prism's. -v silent: the mock runs silent too, so neither pays for logging.
const prismArgs: Args = (port) => [
  realpathSync(join(ROOT, 'node_modules', '.bin', 'prism')),
  ...['mock', '-p', String(port), '-h', HOST, '-v', 'silent', 'openapi.yaml'],
]

/** A bad flag: worth its message, not a stack trace. */
class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const values = flagsOf(argv)
  const quick = values.quick ?? false
  const duration = Number(values.duration ?? (quick ? 1 : 10))
  const connections = Number(values.connections ?? 10)
  if (!(duration > 0 && duration <= 600)) {
    throw new UsageError('--duration must be over 0, at most 600 s')
  }
  if (!(Number.isInteger(connections) && connections > 0 && connections <= 1000)) {
    throw new UsageError('--connections must be a whole number from 1 to 1000')
  }
  return { duration, connections, quick }
}

function flagsOf(argv: string[]) {
  try {
    const flags = {
      duration: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean', default: false },
    } as const
    return parseArgs({ args: argv, options: flags, strict: true }).values
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`)
  }
}

/** Starts a server; resolves once it answers, with the ms from spawn to its first 200. */
async function startMeasured(name: string, args: Args): Promise<{ child: Child; ms: number }> {
  const child = await spawnNode(name, args)
  const ms = await waitForOk(child, LIST_PATH, START_TIMEOUT_MS)
  return { child, ms }
}

async function settledRss(child: Child): Promise<number | null> {
  await sleep(SETTLE_MS)
  return rssMiB(child)
}

/** Starts and stops a server `runs` times; RSS is that of the first run. */
async function startFigure(label: string, args: Args, runs: number): Promise<StartFigure> {
  const figure: StartFigure = { label, startMs: [], rssMiB: null }
  for (let run = 0; run < runs; run++) {
    const { child, ms } = await startMeasured(label, args)
    figure.startMs.push(ms)
    if (run === 0) figure.rssMiB = await settledRss(child)
    await stop(child)
  }
  return figure
}

/** The 100,000-record mock: its start, its memory, and the filtered list at 1 connection. */
async function bigMock(options: Options, report: Report): Promise<void> {
  const label = `this mock, --count ${BIG_COUNT}`
  log(`starting ${label} (may take a while)`)
  const { child, ms } = await startMeasured(label, mockArgs('--count', String(BIG_COUNT)))
  report.starts.mock100k = { label, startMs: [ms], rssMiB: await settledRss(child) }
  const scenario = { name: 'list filtered', method: 'GET', path: FILTERED_LIST_PATH } as const
  const single = { duration: options.duration, connections: 1 }
  log(`loading ${label}: ${scenario.path}, 1 connection`)
  await load(child.base, scenario, { ...single, duration: report.warmup })
  const summary = summarize(await load(child.base, scenario, single))
  report.bigList = { request: `GET ${scenario.path}`, summary }
  await stop(child)
}

/**
 * Each scenario loads every server in turn, in rounds whose order flips (A B C, C B A), so a
 * machine that slows down or speeds up during the run weighs on all servers alike.
 */
async function loadAll(
  servers: [ServerName, Child][],
  options: Options,
  report: Report,
): Promise<void> {
  const round: LoadOptions = {
    duration: options.duration / report.rounds,
    connections: options.connections,
  }
  for (const scenario of SCENARIOS) {
    const samples = new Map<ServerName, Sample>(servers.map(([name]) => [name, emptySample()]))
    if (report.warmup > 0) await warmUp(servers, scenario, { ...round, duration: report.warmup })
    for (let index = 0; index < report.rounds; index++) {
      const order = index % 2 === 0 ? servers : [...servers].reverse()
      for (const [name, child] of order) {
        log(`${scenario.name} on ${name}, round ${index + 1}/${report.rounds}`)
        await load(child.base, scenario, round, samples.get(name))
      }
    }
    for (const [server, sample] of samples) {
      report.rows.push({ scenario: scenario.name, server, summary: summarize(sample) })
    }
  }
}

async function warmUp(servers: [ServerName, Child][], scenario: Scenario, options: LoadOptions) {
  for (const [, child] of servers) await load(child.base, scenario, options)
}

async function fullRun(options: Options, report: Report): Promise<void> {
  log('measuring starts')
  report.starts.fixtures = await startFigure('this mock, fixtures', mockArgs(), START_RUNS)
  report.starts.prism = await startFigure('Prism', prismArgs, START_RUNS)
  await bigMock(options, report)

  const label = `this mock, --count ${BENCH_COUNT}`
  log(`starting ${label}, the bare server and Prism`)
  const mock = await startMeasured(label, mockArgs('--count', String(BENCH_COUNT)))
  report.starts.mock10k = { label, startMs: [mock.ms], rssMiB: await settledRss(mock.child) }
  const bare = await startMeasured('bare', bareArgs)
  const prism = await startMeasured('Prism', prismArgs)
  const servers: [ServerName, Child][] = [
    ['mock', mock.child],
    ['bare', bare.child],
    ['prism', prism.child],
  ]
  await loadAll(servers, options, report)
}

async function quickRun(options: Options, report: Report): Promise<void> {
  const { child, ms } = await startMeasured('this mock, fixtures', mockArgs())
  const rss = await settledRss(child)
  report.starts.fixtures = { label: 'this mock, fixtures', startMs: [ms], rssMiB: rss }
  await loadAll([['mock', child]], options, report)
}

function newReport(options: Options): Report {
  return {
    quick: options.quick,
    duration: options.duration,
    connections: options.connections,
    rounds: options.quick ? 1 : 2,
    warmup: options.quick ? 0 : Math.min(1, options.duration),
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      date: new Date().toISOString(),
      loadavg: loadavg(),
    },
    scenarios: SCENARIOS.map((each) => ({ name: each.name, request: requestOf(each) })),
    rows: [],
    starts: {},
  }
}

function requestOf(scenario: Scenario): string {
  return `${scenario.method} ${scenario.path}${scenario.body ? ` ${scenario.body}` : ''}`
}

/** A generous bound on the whole run, so that nothing can hang a CI job or a terminal. */
function budgetMs(options: Options): number {
  const loads = SCENARIOS.length * 3 * (options.duration + 1) + 2 * options.duration
  return options.quick ? 120_000 : (loads * 2 + (2 * START_TIMEOUT_MS) / 1000 + 120) * 1000
}

/** Errors or non-2xx answers from this mock: the one thing that fails a run. */
function failures(rows: Row[]): string[] {
  return rows
    .filter((row) => row.server === 'mock' && (row.summary.errors || row.summary.non2xx))
    .map((row) => `${row.scenario}: ${row.summary.errors} errors, ${row.summary.non2xx} non-2xx`)
}

function log(message: string): void {
  console.error(`bench: ${message}`)
}

function onSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping the servers`)
  stopAll().finally(() => process.exit(130))
}

function buildCli(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error('build failed'))))
  })
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const report = newReport(options)
  const watchdog = setTimeout(() => {
    log('took too long; giving up')
    killAllNow()
    process.exit(1)
  }, budgetMs(options))
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('exit', killAllNow)

  try {
    await buildCli()
    await (options.quick ? quickRun(options, report) : fullRun(options, report))
  } finally {
    await stopAll()
    clearTimeout(watchdog)
  }

  const markdown = renderReport(report)
  if (options.quick) console.log(markdown)
  else {
    writeFileSync(RESULTS_FILE, markdown)
    console.log(markdown)
    log(`wrote ${RESULTS_FILE}`)
  }
  const failed = failures(report.rows)
  if (failed.length > 0) {
    log(`failed: this mock answered with errors or non-2xx:\n  ${failed.join('\n  ')}`)
    process.exitCode = 1
  }
}

main().catch((error: Error) => {
  log(error instanceof UsageError ? error.message : (error.stack ?? error.message))
  process.exitCode = 1
})
