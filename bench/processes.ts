/**
 * Child servers for the benchmark: spawned as node itself (never through npm, npx or a shell,
 * whose PID would hide the server's memory), on a free 127.0.0.1 port, and always killed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const HOST = '127.0.0.1'
export const LIST_PATH = '/api/v1/oauth_connections'
/** The spec asks for Basic auth; Prism enforces it, the mock (without --auth) ignores it. */
export const AUTH_HEADER = `Basic ${Buffer.from('bench:bench').toString('base64')}`

const POLL_MS = 10
const STDERR_TAIL = 4000
const KILL_GRACE_MS = 3000

export interface Child {
  name: string
  process: ChildProcess
  base: string
  spawnedAt: number
  /** The last lines the child wrote to stderr, to explain a failed start. */
  stderr(): string
}

const running = new Set<ChildProcess>()

/** Binds port 0 and lets it go: the kernel's pick is free, barring a race we accept. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/** Runs `node ...args` in the project root; `args` build the command from `port`. */
export async function spawnNode(name: string, args: (port: number) => string[]): Promise<Child> {
  const port = await freePort()
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, args(port), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))

  let tail = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => (tail = (tail + chunk).slice(-STDERR_TAIL)))
  return { name, process: child, base: `http://${HOST}:${port}`, spawnedAt, stderr: () => tail }
}

/** Polls every 10 ms until `path` answers 200; resolves with the ms since the spawn. */
export async function waitForOk(child: Child, path: string, timeoutMs: number): Promise<number> {
  const deadline = child.spawnedAt + timeoutMs
  while (performance.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited before answering:\n${child.stderr()}`)
    }
    if ((await statusOf(child.base + path)) === 200) return performance.now() - child.spawnedAt
    await sleep(POLL_MS)
  }
  throw new Error(`${child.name} gave no 200 on ${path} within ${timeoutMs} ms`)
}

/** The status of one GET on a fresh connection, 0 if it could not connect. */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const probe = request(url, { agent: false, headers: { Authorization: AUTH_HEADER } })
    probe.setTimeout(1000, () => probe.destroy())
    probe.once('error', () => resolve(0))
    probe.once('response', (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
    })
    probe.end()
  })
}

/** Resident memory of the child in MiB, from /proc (Linux only; null elsewhere). */
export function rssMiB(child: Child): number | null {
  try {
    const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8')
    const kiB = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
    return kiB === undefined ? null : Number(kiB) / 1024
  } catch {
    return null
  }
}

export function stop(child: Child): Promise<void> {
  return stopProcess(child.process)
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stopProcess))
}

/** SIGTERM, then SIGKILL if it lingers: a benchmark must not leave servers behind. */
async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), KILL_GRACE_MS)
  await exited
  clearTimeout(timer)
}

/** Last resort on exit (which cannot wait): kill whatever is still running, at once. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL')
}
