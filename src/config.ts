import { Command, InvalidArgumentError, Option } from 'commander'

import type { Credentials } from './http/auth.ts'
import { DEFAULT_CONFIG, type MockConfig } from './server.ts'

/** Flags first, then environment variables, then the defaults. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): MockConfig {
  const options = new Command('oauth-connections-mock')
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
      new Option('--strict', 'reject parameters the spec does not name (422)').env('MOCK_STRICT'),
    )
    .addOption(
      new Option('--auth <public:private>', 'require Basic auth with these keys')
        .env('MOCK_AUTH')
        .argParser(credentials),
    )
    .addOption(
      new Option('--log-level <level>', 'pino level: fatal, error, warn, info, debug, silent')
        .env('LOG_LEVEL')
        .default(DEFAULT_CONFIG.logLevel),
    )
    .parse(argv, { from: 'user' })
    .opts()

  return {
    ...DEFAULT_CONFIG,
    port: options.port,
    host: options.host,
    specFile: options.spec,
    fixturesFile: options.fixtures === false ? null : options.fixtures,
    seed: options.seed,
    count: options.count,
    strict: Boolean(options.strict),
    auth: options.auth,
    logLevel: options.logLevel,
  }
}

function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('Expected a whole number.')
  return Number(text)
}

function credentials(text: string): Credentials {
  const colon = text.indexOf(':')
  if (colon < 1 || colon === text.length - 1) {
    throw new InvalidArgumentError('Expected PUBLIC_KEY:PRIVATE_KEY.')
  }
  return { publicKey: text.slice(0, colon), privateKey: text.slice(colon + 1) }
}
