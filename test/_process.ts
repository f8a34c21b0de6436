// Node child processes for the tests that need a real process (the CLI, the bin, tsx watch):
// a free port, a start that waits until the port answers, and a stop that always ends them.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const HOST = '127.0.0.1'

const POLL_MS = 100
const STOP_GRACE_MS = 5_000

export interface Child {
  process: ChildProcess
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Leads a process group of its own: stopping it stops the whole group. */
  group: boolean
  /** The last few kilobytes of standard output and error, to explain a failure. */
  output(): string
}

/** Binds port 0 and lets it go: the kernel's pick is free, barring a race we accept. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/**
 * Starts `node ...args` in the project root. `group` puts it in a process group of its own,
 * so that `stopChild` also ends the processes it starts (tsx watch runs the CLI in one).
 */
export function spawnNode(args: string[], options: { group?: boolean } = {}): Child {
  const group = options.group ?? false
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  })
  let output = ''
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8000))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { process: child, group, exited, output: () => output }
}

function hasExited(child: Child): boolean {
  return child.process.exitCode !== null || child.process.signalCode !== null
}

/** Polls `url` until it answers 200, the child exits, or the time is up. */
export async function waitFor200(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs

  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`it exited before answering:\n${child.output()}`)
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    )
    if (status === 200) return
    await sleep(POLL_MS)
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${child.output()}`)
}

/** The child's exit, or undefined if it is still running after `timeoutMs`. */
export async function exitWithin(
  child: Child,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined)
  })
  try {
    return await Promise.race([child.exited, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Sends `signal` (to the group, for a group leader), then SIGKILL if it lingers. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = child.process.pid
  const { group } = child
  const send = (what: NodeJS.Signals) => {
    try {
      if (pid !== undefined) process.kill(group ? -pid : pid, what)
    } catch {
      // Already gone.
    }
  }
  if (hasExited(child) && !group) return

  send(signal)
  const timer = setTimeout(() => send('SIGKILL'), STOP_GRACE_MS)
  await child.exited
  clearTimeout(timer)
  if (group) send('SIGKILL')
}
