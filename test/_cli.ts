// The CLI as a child process, for the tests that need a real process: its bind address,
// its signals, its memory. Spawned as node itself (no npm, npx or shell in between), so that
// the PID is the server's and a signal reaches it.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

import { freePort, ROOT } from './_process.ts'

export { freePort, HOST, ROOT } from './_process.ts'

const START_TIMEOUT_MS = 30_000
const KILL_GRACE_MS = 5_000

export interface CliServer {
  process: ChildProcess
  port: number
  /** The first line the CLI wrote to standard output. */
  firstLine: string
  /** Every line of standard output so far, the first included. */
  lines: string[]
  /** What the CLI wrote to standard error, to explain a failure. */
  stderr(): string
  /** Resolves with the exit code (null after a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts `src/cli.ts` on a free port with the given flags (`--port` is added) and resolves
 * once it has written its first line, which it does once it listens.
 */
export async function startCli(flags: string[]): Promise<CliServer> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', '--port', String(port), ...flags],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnvironment() },
  )
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let errors = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => (errors = (errors + chunk).slice(-4000)))

  const lines: string[] = []
  const firstLine = await firstLineOf(child, lines, exited, () => errors)
  return { process: child, port, firstLine, lines, stderr: () => errors, exited }
}

/** The CLI reads its defaults from these; the test's own environment must not change them. */
const CLI_VARIABLES = /^(HOST|PORT|LOG_LEVEL|MOCK_[A-Z_]+)$/

function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !CLI_VARIABLES.test(name)),
  )
}

function firstLineOf(
  child: ChildProcess,
  lines: string[],
  exited: Promise<unknown>,
  stderr: () => string,
): Promise<string> {
  const reader = createInterface({ input: child.stdout! })
  reader.on('line', (line) => lines.push(line))

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the CLI wrote nothing in ${START_TIMEOUT_MS} ms:\n${stderr()}`))
    }, START_TIMEOUT_MS)
    reader.once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`the CLI exited before writing a line:\n${stderr()}`))
    })
  })
}

/** SIGTERM, then SIGKILL if it lingers: a test must not leave a server behind. */
export async function stopCli(server: CliServer): Promise<void> {
  const proc = server.process
  if (proc.exitCode !== null || proc.signalCode !== null) return

  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), KILL_GRACE_MS)
  await server.exited
  clearTimeout(timer)
}
