// `npm run contract`: runs the contract suite with ava's TAP reporter, shows the TAP as it
// comes, and converts it with tap-junit into a JUnit XML file for CI systems to read. Exits
// with ava's code, so the XML never hides a failure.
//
//   tsx scripts/contract.ts [--junit <file>] [ava arguments...]
//
// The XML goes to --junit, else CONTRACT_JUNIT, else contract-report.xml.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const DEFAULT_REPORT = 'contract-report.xml'

const require = createRequire(import.meta.url)

async function main(argv: string[]): Promise<number> {
  const { junit, avaArgs } = parseArgs(argv)
  const { code, tap } = await runAva(avaArgs.length > 0 ? avaArgs : ['contract-tests/'])
  const xml = await toJunit(forJunit(tap))
  mkdirSync(dirname(junit), { recursive: true })
  writeFileSync(junit, xml)
  console.log(`contract: ${summary(tap)}; JUnit report in ${junit}`)
  return code
}

function parseArgs(argv: string[]): { junit: string; avaArgs: string[] } {
  const avaArgs = [...argv]
  const at = avaArgs.findIndex((arg) => arg === '--junit' || arg.startsWith('--junit='))
  let junit = process.env.CONTRACT_JUNIT || DEFAULT_REPORT
  if (at >= 0) {
    const [flag] = avaArgs.splice(at, 1)
    junit = flag.includes('=') ? flag.slice('--junit='.length) : (avaArgs.splice(at, 1)[0] ?? '')
    if (!junit) throw new Error('--junit needs a file name')
  }
  return { junit: resolve(junit), avaArgs }
}

/** ava with --tap: its output goes to the console as it comes, and is kept for the XML. */
function runAva(args: string[]): Promise<{ code: number; tap: string }> {
  // ava exports no package.json; its CLI sits beside its main entry point.
  const cli = join(dirname(require.resolve('ava')), 'cli.mjs')
  const child = spawn(process.execPath, [cli, '--tap', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let tap = ''
  child.stdout.on('data', (chunk: Buffer) => {
    tap += chunk.toString()
    process.stdout.write(chunk)
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), tap }))
  })
}

/**
 * Two fixes to ava's TAP before tap-junit reads it. tap-junit writes a failure's `message`, or
 * all its diagnostics when there is none; for a test that threw (a Prism violation, a refused
 * write) ava's message is only "Rejected promise returned by test", so it goes, and the error
 * itself, in `details`, reaches the XML. And tap-junit gives each test the comment before it as
 * its output: ava's "# file › before hook" lines would land on unrelated tests.
 */
function forJunit(tap: string): string {
  return tap
    .replace(/^ {4}message: (Rejected promise returned by test|Error thrown in test)\n/gm, '')
    .replace(/^# .* hook\n/gm, '')
}

/** tap-junit's own CLI, fed the TAP on its input; it writes the XML on its output. */
function toJunit(tap: string): Promise<string> {
  const cli = join(dirname(require.resolve('tap-junit/package.json')), 'bin', 'tap-junit')
  const args = ['--name', 'contract', '--classname', 'contract-tests', '--pretty']
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  let xml = ''
  child.stdout.on('data', (chunk: Buffer) => (xml += chunk.toString()))
  child.stdin.end(tap)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', () =>
      xml.includes('<testsuites') ? resolve(xml) : reject(new Error('tap-junit wrote no XML')),
    )
  })
}

/** The counts from TAP's closing comments, worded so CI logs do not take them for ava's. */
function summary(tap: string): string {
  return ['pass', 'fail', 'skip', 'todo'].map((name) => `${countOf(tap, name)} ${name}`).join(', ')
}

function countOf(tap: string, name: string): number {
  const match = new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)
  return match ? Number(match[1]) : 0
}

process.exitCode = await main(process.argv.slice(2))
