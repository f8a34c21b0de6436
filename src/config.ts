import { Command, InvalidArgumentError, Option } from 'commander'

import type { Credentials } from './http/auth.ts'
import { parseBoolean } from './oauth-connections/booleans.ts'
import { DEFAULT_CONFIG, type MockConfig } from './server.ts'

/** Flags first, then environment variables, then the defaults. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): MockConfig {
  const options = withEnvironment(env, () => parseFlags(argv))

  return {
    ...DEFAULT_CONFIG,
    port: options.port,
    host: options.host,
    specFile: options.spec,
    fixturesFile: options.fixtures === false ? null : options.fixtures,
    seed: options.seed,
    count: options.count,
    // commander takes any value of a flag's variable as "on", even "false": read it as a word.
    strict: Boolean(options.strict) || parseBoolean(env.MOCK_STRICT ?? ''),
    auth: options.auth,
    corsOrigins: options.corsOrigin,
    stateFile: options.stateFile,
    maxSessions: options.maxSessions,
    latency: options.latency,
    errorRate: options.errorRate,
    logLevel: options.logLevel,
  }
}

/** commander reads process.env itself; this lets a caller (a test) hand it another one. */
function withEnvironment<T>(env: NodeJS.ProcessEnv, read: () => T): T {
  const saved = process.env
  process.env = env
  try {
    return read()
  } finally {
    process.env = saved
  }
}

function parseFlags(argv: string[]) {
  return new Command('oauth-connections-mock')
    .description('A stateful, validating mock of the /api/v1/oauth_connections API.')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on')
        .env('PORT')
        .argParser(integer)
        .default(DEFAULT_CONFIG.port),
    )
    .addOption(
      new Option('-H, --host <host>', 'address to bind').env('HOST').default(DEFAULT_CONFIG.host),
    )
    .addOption(new Option('--spec <file>', 'OpenAPI document to serve').env('MOCK_SPEC'))
    .addOption(
      new Option('--fixtures <file>', 'JSON file of records to start with').env('MOCK_FIXTURES'),
    )
    .addOption(new Option('--no-fixtures', 'start with no records'))
    .addOption(
      new Option('--seed <n>', 'seed for generated records')
        .env('MOCK_SEED')
        .argParser(integer)
        .default(DEFAULT_CONFIG.seed),
    )
    .addOption(
      new Option('--count <n>', 'records to generate from the spec')
        .env('MOCK_COUNT')
        .argParser(integer)
        .default(DEFAULT_CONFIG.count),
    )
    .addOption(
      new Option('--strict', 'reject parameters the spec does not name (MOCK_STRICT=1 too)'),
    )
    .addOption(
      new Option('--auth <public:private>', 'require Basic auth with these keys')
        .env('MOCK_AUTH')
        .argParser(credentials),
    )
    .addOption(
      new Option('--cors-origin <origin>', 'allow only these browser origins (repeatable, or a,b)')
        .env('MOCK_CORS_ORIGIN')
        .argParser(origins),
    )
    .addOption(
      new Option('--state-file <file>', 'keep the default data in this file across restarts').env(
        'MOCK_STATE_FILE',
      ),
    )
    .addOption(
      new Option('--max-sessions <n>', 'X-Mock-Session sessions kept at once')
        .env('MOCK_MAX_SESSIONS')
        .argParser(positiveInteger)
        .default(DEFAULT_CONFIG.maxSessions),
    )
    .addOption(
      new Option('--latency <min-max>', 'delay every API answer by MIN to MAX ms')
        .env('MOCK_LATENCY')
        .argParser(range),
    )
    .addOption(
      new Option('--error-rate <rate>', 'answer this share (0-1) of API requests with 503')
        .env('MOCK_ERROR_RATE')
        .argParser(rate),
    )
    .addOption(
      new Option('--log-level <level>', 'pino level: fatal, error, warn, info, debug, silent')
        .env('LOG_LEVEL')
        .default(DEFAULT_CONFIG.logLevel),
    )
    .parse(argv, { from: 'user' })
    .opts()
}

function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('Expected a whole number.')
  return Number(text)
}

function positiveInteger(text: string): number {
  const number = integer(text)
  if (number < 1) throw new InvalidArgumentError('Expected a whole number of 1 or more.')
  return number
}

/** `200-800` or a single `300` (always that long). */
function range(text: string): { min: number; max: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim())
  const min = Number(match?.[1])
  const max = Number(match?.[2] ?? match?.[1])
  if (!match || max < min) throw new InvalidArgumentError('Expected MIN-MAX in ms, as 200-800.')
  return { min, max }
}

function rate(text: string): number {
  const number = /^(0|1|0?\.\d+|1\.0*)$/.test(text.trim()) ? Number(text) : NaN
  if (Number.isNaN(number)) throw new InvalidArgumentError('Expected a share from 0 to 1, as 0.1.')
  return number
}

/** Each use adds to the list; a value may hold several origins, comma-separated. */
function origins(text: string, previous: string[] | undefined): string[] {
  const given = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  if (given.length === 0) throw new InvalidArgumentError('Expected an origin: http://host:port.')
  return [...(previous ?? []), ...given.map(origin)]
}

/** What a browser sends as `Origin`: scheme://host[:port], lower case, nothing after it. */
function origin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (!url || url.origin === 'null' || url.href !== `${url.origin}/`) {
    throw new InvalidArgumentError(`Expected an origin like http://localhost:3000, not ${text}.`)
  }
  return url.origin
}

function credentials(text: string): Credentials {
  const colon = text.indexOf(':')
  if (colon < 1 || colon === text.length - 1) {
    throw new InvalidArgumentError('Expected PUBLIC_KEY:PRIVATE_KEY.')
  }
  return { publicKey: text.slice(0, colon), privateKey: text.slice(colon + 1) }
}
