// Prism as the judge of the contract run: `prism proxy openapi.yaml <target>` sits between the
// tests and the API under test and checks every request and every response against the spec.
// Whatever Prism finds wrong becomes a thrown error carrying Prism's own message, so a test
// fails loudly even when its own assertions would not have looked at the part that drifted.
//
// What Prism 5.14 does, read from its source and checked by hand:
// - Without `--errors` it forwards every request and lists what it found in an `sl-violations`
//   header: a JSON array of {location: ['request' | 'response', ...], severity, code, message}.
// - With `--errors` it answers by itself, as application/problem+json: 422 (or 401) for a
//   request that breaks the spec, 404/405 for a route the spec lacks (none of them forwarded),
//   and 500 `VIOLATIONS` in place of a response that breaks the spec.
// - It checks the spec's Basic auth only for its form (a base64 `user:password`), never its
//   value, in both modes.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect, createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SPEC_FILE = fileURLToPath(new URL('../openapi.yaml', import.meta.url))

const PRISM_ERROR_TYPE = 'https://stoplight.io/prism/errors#'
const READY_TIMEOUT_MS = 90_000
const LOG_TAIL_CHARS = 4000

export interface Violation {
  location: string[]
  severity: string
  code?: string | number
  message: string
}

export interface PrismOptions {
  /** Passes `--errors`: Prism then answers by itself instead of forwarding what is invalid. */
  errors?: boolean
  specFile?: string
}

export interface PrismProxy {
  /** Where to send requests: Prism, which forwards them to the upstream. */
  url: string
  upstream: string
  /** Throws when Prism found the exchange breaks openapi.yaml; keeps its warnings. */
  judge(exchange: Exchange): void
  /** What Prism only warned about (an undeclared 4xx status, a route the spec lacks). */
  warnings: string[]
  /** A failed request, explained by Prism's exit and last log lines when Prism died. */
  explain(error: unknown): unknown
  close(): Promise<void>
}

export interface Exchange {
  method: string
  path: string
  status: number
  headers: Headers
  text: string
}

/**
 * Request violations that are not drift: inputs openapi.yaml accepts in its prose where its
 * schema cannot say so. Each is a conscious exception; a response violation never is.
 */
const DOCUMENTED_EXTENSIONS: { location: string; why: string }[] = [
  {
    location: 'request.query.ids.',
    why: 'the ids description accepts ids=1,2 and ids=[1,2], which style form cannot express',
  },
]

export class PrismViolation extends Error {
  override name = 'PrismViolation'
}

export async function startPrismProxy(
  upstream: string,
  options: PrismOptions = {},
): Promise<PrismProxy> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawnPrism(upstream, port, options)
  const log = tail(child)
  // A worker that exits without running `after.always` must not leave Prism behind.
  const orphan = () => child.kill('SIGKILL')
  process.once('exit', orphan)
  const stop = () => {
    process.off('exit', orphan)
    return stopChild(child)
  }

  try {
    await waitForPort(port, child)
  } catch (error) {
    await stop()
    throw new Error(`prism proxy did not start: ${(error as Error).message}\n${log()}`)
  }
  const warnings: string[] = []
  return {
    url,
    upstream,
    warnings,
    judge: (exchange) => warnings.push(...judge(exchange)),
    explain: (error) => (exited(child) ? new Error(`prism proxy died:\n${log()}`) : error),
    close: stop,
  }
}

function spawnPrism(upstream: string, port: number, options: PrismOptions): ChildProcess {
  const args = [
    prismBin(),
    'proxy',
    options.specFile ?? SPEC_FILE,
    upstream,
    ...['--host', '127.0.0.1', '--port', String(port)],
    // Prism's CORS headers would be mistaken for the target's.
    '--cors=false',
    `--errors=${options.errors === true}`,
    ...['--verboseLevel', 'warn'],
  ]
  return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** The CLI's own script, run with this Node: no shell, no npx, one process to stop. */
function prismBin(): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('@stoplight/prism-cli/package.json')
  return join(dirname(manifest), 'dist', 'index.js')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Prism listens only once it has read the spec, so an open port means it is ready. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`it exited with ${child.exitCode ?? child.signalCode}`)
    if (await accepts(port)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`no answer on port ${port} within ${READY_TIMEOUT_MS / 1000}s`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const done = (open: boolean) => {
      socket.destroy()
      resolve(open)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Keeps the end of Prism's output for error messages; CONTRACT_PRISM_LOG=file keeps it all. */
function tail(child: ChildProcess): () => string {
  let text = ''
  const file = process.env.CONTRACT_PRISM_LOG
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-LOG_TAIL_CHARS)
    if (file) appendFileSync(file, chunk)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => text
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return Promise.resolve()

  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Throws a PrismViolation for what breaks the contract; answers Prism's warnings.
 *
 * A response violation always fails. A request violation fails only when the target accepted
 * the request (2xx): a test that sends bad input on purpose expects a 4xx, and then Prism and
 * the target agree that the request is wrong.
 */
export function judge(exchange: Exchange): string[] {
  const where = `${exchange.method} ${exchange.path} → ${exchange.status}`
  const own = prismAnswer(exchange)
  if (own) throw new PrismViolation(`Prism answered ${where} itself: ${own}`)

  const violations = violationsOf(exchange.headers)
  const accepted = exchange.status >= 200 && exchange.status < 300
  const breaks = (v: Violation) => v.location[0] === 'response' || (accepted && !documented(v))
  const failing = violations.filter((v) => v.severity === 'Error' && breaks(v))
  if (failing.length > 0)
    throw new PrismViolation(`Prism: ${where} breaks openapi.yaml:\n${describe(failing)}`)
  return violations
    .filter((v) => v.severity !== 'Error' || accepted)
    .map((v) => `${where}: ${documented(v) ? `accepted as ${documented(v)}: ` : ''}${line(v)}`)
}

/** Why a request violation is a documented extension, or undefined when it is not one. */
function documented(violation: Violation): string | undefined {
  const location = `${violation.location.join('.')}.`
  return DOCUMENTED_EXTENSIONS.find((extension) => location.startsWith(extension.location))?.why
}

/** The sl-violations header; a truncated one (too many violations) is itself a failure. */
export function violationsOf(headers: Headers): Violation[] {
  const header = headers.get('sl-violations')
  if (!header) return []
  try {
    return JSON.parse(header) as Violation[]
  } catch {
    return [{ location: ['response'], severity: 'Error', message: header.slice(0, 2000) }]
  }
}

/**
 * Why Prism cannot carry this request, if it cannot: then it goes straight to the target,
 * unjudged by Prism (the test's own checks still apply), and the reason is kept as a warning.
 */
export function unjudgeable(
  pathAndQuery: string,
  headers: Record<string, string> = {},
  body?: string,
): string | undefined {
  if (!decodes(pathAndQuery))
    // Prism 5.14 matches path parameters with decodeURIComponent, uncaught: the process dies.
    return 'malformed percent-encoding, which crashes Prism 5.14'
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')
  if (!type || !body || !/[/+]json\b/i.test(type[1])) return
  // Prism reads a JSON body itself, and answers 400 without forwarding what it cannot read.
  const charset = /charset=([^;\s]+)/i.exec(type[1])?.[1]
  if (charset && !/^utf-?8$/i.test(charset)) return `a JSON body in charset ${charset}`
  if (!parses(body)) return 'a JSON body that is not JSON'
  // Prism 5.14 answers 400 for a JSON string and forwards `null` as no body at all.
  if (!/^\s*[[{]/.test(body)) return 'a JSON body that is no object or array'
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text)
    return true
  } catch {
    return false
  }
}

function parses(json: string): boolean {
  try {
    JSON.parse(json)
    return true
  } catch {
    return false
  }
}

/** A problem+json that Prism wrote itself (with --errors), described with its violations. */
function prismAnswer(exchange: Exchange): string | undefined {
  if (!exchange.headers.get('content-type')?.includes('application/problem+json')) return
  let problem: { type?: string; title?: string; detail?: string; validation?: Violation[] }
  try {
    problem = JSON.parse(exchange.text)
  } catch {
    return
  }
  if (!problem.type?.startsWith(PRISM_ERROR_TYPE)) return

  const name = problem.type.slice(PRISM_ERROR_TYPE.length)
  const details = problem.validation ? `\n${describe(problem.validation)}` : ''
  return `${name} (${problem.title}): ${problem.detail}${details}`
}

function describe(violations: Violation[]): string {
  return violations.map((v) => `  - ${line(v)}`).join('\n')
}

function line(v: Violation): string {
  const code = v.code === undefined ? '' : ` [${v.code}]`
  return `${v.severity} at ${v.location.join('.')}${code}: ${v.message}`
}
