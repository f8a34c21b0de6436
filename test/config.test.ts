import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { readConfig } from '../src/config.ts'
import type { MockConfig } from '../src/server.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONFIG_MODULE = new URL('../src/config.ts', import.meta.url).href

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** readConfig in a process of its own, since commander ends the process on a bad flag. */
function runReadConfig(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const script = `import { readConfig } from ${JSON.stringify(CONFIG_MODULE)}
console.log(JSON.stringify(readConfig(process.argv.slice(1))))`
  const args = ['--import=tsx', '--input-type=module', '-e', script, '--', ...argv]
  const childEnv = { PATH: process.env.PATH ?? '', ...env }

  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** Runs `act` with these variables set in process.env, then puts process.env back. */
function withProcessEnv<T>(variables: Record<string, string>, act: () => T): T {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]))
  Object.assign(process.env, variables)
  try {
    return act()
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

test('readConfig without flags or environment listens on 127.0.0.1:4010 with the defaults', (t) => {
  const config = readConfig([], {})

  t.like(config, {
    port: 4010,
    host: '127.0.0.1',
    seed: 1,
    count: 0,
    strict: false,
    logLevel: 'info',
    specFile: undefined,
    fixturesFile: undefined,
    auth: undefined,
  })
})

const readsFlags = test.macro({
  exec(t, argv: string[], expected: Partial<MockConfig>) {
    const config = readConfig(argv, {})

    t.like(config, expected)
  },
  title: (_provided, argv: string[], expected: Partial<MockConfig>) =>
    `readConfig reads ${argv.join(' ')} as ${JSON.stringify(expected)}`,
})

test(readsFlags, ['--port', '8080'], { port: 8080 })
test(readsFlags, ['-p', '0'], { port: 0 })
test(readsFlags, ['--host', '0.0.0.0'], { host: '0.0.0.0' })
test(readsFlags, ['-H', '::1', '-p', '4020'], { host: '::1', port: 4020 })
test(readsFlags, ['--spec', 'other.yaml'], { specFile: 'other.yaml' })
test(readsFlags, ['--fixtures', 'records.json'], { fixturesFile: 'records.json' })
test(readsFlags, ['--no-fixtures'], { fixturesFile: null })
test(readsFlags, ['--seed', '7', '--count', '30'], { seed: 7, count: 30 })
test(readsFlags, ['--strict'], { strict: true })
test(readsFlags, ['--log-level', 'silent'], { logLevel: 'silent' })
test(readsFlags, ['--auth', 'pub:priv'], { auth: { publicKey: 'pub', privateKey: 'priv' } })
test(readsFlags, ['--auth', 'pub:pr:iv'], { auth: { publicKey: 'pub', privateKey: 'pr:iv' } })

test('readConfig reads PORT, HOST and the MOCK_ variables from the env it is given', (t) => {
  const env = {
    PORT: '5001',
    HOST: '0.0.0.0',
    MOCK_AUTH: 'pub:priv',
    MOCK_COUNT: '3',
    MOCK_FIXTURES: 'records.json',
  }

  const config = readConfig([], env)

  t.like(config, {
    port: 5001,
    host: '0.0.0.0',
    auth: { publicKey: 'pub', privateKey: 'priv' },
    count: 3,
    fixturesFile: 'records.json',
  })
})

test('readConfig reads PORT and HOST from the process environment by default', (t) => {
  const config = withProcessEnv({ PORT: '5002', HOST: '0.0.0.0' }, () => readConfig([]))

  t.like(config, { port: 5002, host: '0.0.0.0' })
})

test('readConfig lets a flag win over its environment variable', (t) => {
  const variables = { PORT: '5002', HOST: '0.0.0.0', MOCK_FIXTURES: 'env.json' }

  const config = withProcessEnv(variables, () =>
    readConfig(['--port', '6000', '-H', '127.0.0.2', '--no-fixtures']),
  )

  t.like(config, { port: 6000, host: '127.0.0.2', fixturesFile: null })
})

for (const [value, strict] of [
  ['1', true],
  ['true', true],
  ['0', false],
  ['false', false],
] as [string, boolean][]) {
  test(`readConfig reads MOCK_STRICT=${value} as strict ${strict}`, (t) => {
    const config = withProcessEnv({ MOCK_STRICT: value }, () => readConfig([]))

    t.is(config.strict, strict)
  })
}

for (const [argv, message] of [
  [['--port', 'abc'], /--port.*'abc' is invalid\. Expected a whole number/],
  [['--port', '1.5'], /--port.*Expected a whole number/],
  [['--count', 'ten'], /--count.*Expected a whole number/],
  [['--auth', 'pubpriv'], /--auth.*Expected PUBLIC_KEY:PRIVATE_KEY/],
  [['--auth', 'pub:'], /--auth.*Expected PUBLIC_KEY:PRIVATE_KEY/],
  [['--bogus'], /unknown option '--bogus'/],
] as [string[], RegExp][]) {
  // Serial: each runs a node process of its own, and a crowd of them starves the machine.
  test.serial(`readConfig rejects ${argv.join(' ')}: the process ends with an error`, async (t) => {
    const run = await runReadConfig(argv)

    t.not(run.code, 0, run.stderr)
    t.is(run.stdout, '', run.stderr)
    t.regex(run.stderr, message)
  })
}

test.serial('readConfig rejects PORT=abc from the environment', async (t) => {
  const run = await runReadConfig([], { PORT: 'abc' })

  t.not(run.code, 0, run.stderr)
  t.regex(run.stderr, /--port.*'abc' from env 'PORT' is invalid/)
})

test.serial('readConfig in a process of its own accepts a good --port', async (t) => {
  const run = await runReadConfig(['--port', '4020'])

  t.is(run.code, 0, run.stderr)
  t.is(JSON.parse(run.stdout).port, 4020)
})
