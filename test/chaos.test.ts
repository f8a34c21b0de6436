// The chaos flags: a share of API requests answered 503, and a delay on every API answer; and
// how the CLI reads them. Mock only.
import { execFile } from 'node:child_process'

import test from 'ava'

import { assertContract } from '../contract-tests/_harness.ts'
import { readConfig } from '../src/config.ts'
import type { MockConfig } from '../src/server.ts'
import { API, assertAdmin, assertEnvelope, call, FIXTURE_COUNT, startForTest } from './_mock.ts'
import { ROOT } from './_process.ts'

const CONFIG_MODULE = new URL('../src/config.ts', import.meta.url).href

test('with errorRate 1, every API route answers 503 in the envelope', async (t) => {
  const { url } = await startForTest(t, { errorRate: 1 })

  const answers = [
    await call(url, 'GET', API),
    await call(url, 'GET', `${API}/new`),
    await call(url, 'GET', `${API}/1`),
    await call(url, 'PATCH', `${API}/1`, { json: { name: 'Chaos' } }),
    await call(url, 'DELETE', `${API}/2`),
  ]

  for (const answer of answers) {
    assertEnvelope(t, answer, 503)
    t.is(answer.body.error, 'Service Unavailable')
  }
})

test('with errorRate 1, POST create answers 503 and stores nothing', async (t) => {
  const { url } = await startForTest(t, { errorRate: 1 })

  const answer = await call(url, 'POST', API, { json: { name: 'Chaos never stored' } })

  assertEnvelope(t, answer, 503)
  const state = await call(url, 'GET', '/__admin/state')
  assertAdmin(t, 'GET /__admin/state', state, 200)
  t.is(state.body.total_count, FIXTURE_COUNT)
})

test('with errorRate 1, the /__admin routes still answer', async (t) => {
  const { url } = await startForTest(t, { errorRate: 1 })

  const reset = await call(url, 'POST', '/__admin/reset')
  const journal = await call(url, 'GET', '/__admin/journal')
  const spec = await call(url, 'GET', '/__admin/openapi.yaml')

  assertAdmin(t, 'POST /__admin/reset', reset, 200)
  assertAdmin(t, 'GET /__admin/journal', journal, 200)
  t.is(spec.status, 200)
})

test('with errorRate 0, no API request answers 503', async (t) => {
  const { url } = await startForTest(t, { errorRate: 0 })

  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, index) => call(url, 'GET', `${API}/${(index % 14) + 1}`)),
  )

  t.deepEqual(
    answers.map((answer) => answer.status).filter((status) => status !== 200),
    [],
  )
})

test('with latency 200-300, an API answer comes no sooner than 200 ms', async (t) => {
  const { url } = await startForTest(t, { latency: { min: 200, max: 300 } })
  const started = performance.now()

  const answer = await call(url, 'GET', `${API}/1`)

  const elapsed = performance.now() - started
  assertContract(t, 'showOauthConnection', answer, 200)
  t.true(elapsed >= 190, `answered after ${Math.round(elapsed)} ms`)
})

test('with latency 200-300, each of several API answers waits at least 200 ms', async (t) => {
  const { url } = await startForTest(t, { latency: { min: 200, max: 300 } })

  const elapsed = await Promise.all(
    ['GET', 'GET', 'GET'].map(async (method) => {
      const started = performance.now()
      const answer = await call(url, method, API)
      t.is(answer.status, 200)
      return performance.now() - started
    }),
  )

  for (const ms of elapsed) t.true(ms >= 190, `answered after ${Math.round(ms)} ms`)
})

// --- readConfig

const readsFlags = test.macro({
  exec(t, argv: string[], expected: Partial<MockConfig>) {
    const config = readConfig(argv, {})

    t.like(config, expected)
  },
  title: (_provided, argv: string[], expected: Partial<MockConfig>) =>
    `readConfig reads ${argv.join(' ')} as ${JSON.stringify(expected)}`,
})

test(readsFlags, ['--latency', '200-800'], { latency: { min: 200, max: 800 } })
test(readsFlags, ['--latency', '300'], { latency: { min: 300, max: 300 } })
test(readsFlags, ['--error-rate', '0.1'], { errorRate: 0.1 })
test(readsFlags, ['--error-rate', '1'], { errorRate: 1 })
test(readsFlags, ['--error-rate', '0'], { errorRate: 0 })

test('readConfig without chaos flags sets neither latency nor errorRate', (t) => {
  const config = readConfig([], {})

  t.is(config.latency, undefined)
  t.is(config.errorRate, undefined)
})

test('readConfig reads MOCK_LATENCY and MOCK_ERROR_RATE from its environment', (t) => {
  const config = readConfig([], { MOCK_LATENCY: '10-20', MOCK_ERROR_RATE: '0.5' })

  t.like(config, { latency: { min: 10, max: 20 }, errorRate: 0.5 })
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** readConfig in a process of its own, since commander ends the process on a bad flag. */
function runReadConfig(argv: string[]): Promise<Run> {
  const script = `import { readConfig } from ${JSON.stringify(CONFIG_MODULE)}
console.log(JSON.stringify(readConfig(process.argv.slice(1))))`
  const args = ['--import=tsx', '--input-type=module', '-e', script, '--', ...argv]
  const env = { PATH: process.env.PATH ?? '' }

  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

for (const [argv, message] of [
  [['--latency', '9-1'], /--latency.*Expected MIN-MAX/],
  [['--latency', 'fast'], /--latency.*Expected MIN-MAX/],
  [['--error-rate', '2'], /--error-rate.*Expected a share from 0 to 1/],
  [['--error-rate', '1.5'], /--error-rate.*Expected a share from 0 to 1/],
] as [string[], RegExp][]) {
  // Serial: each runs a node process of its own, and a crowd of them starves the machine.
  test.serial(
    `readConfig rejects ${argv.join(' ')}: the process exits with an error`,
    async (t) => {
      const run = await runReadConfig(argv)

      t.not(run.code, 0, run.stderr)
      t.is(run.stdout, '', run.stderr)
      t.regex(run.stderr, message)
    },
  )
}
