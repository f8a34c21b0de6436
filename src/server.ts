import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import type Koa from 'koa'
import { pino, type Logger } from 'pino'

import { generateRecords } from './fixtures/generate.ts'
import { DEFAULT_FIXTURES_FILE, loadFixtures } from './fixtures/load.ts'
import { createApp } from './http/app.ts'
import { createHttpServer } from './http/listen.ts'
import type { Credentials } from './http/auth.ts'
import { OauthConnections } from './oauth-connections/resource.ts'
import { readRecordShape } from './oauth-connections/shape.ts'
import { loadSpec } from './spec/spec.ts'

export interface MockConfig {
  /** 0 picks a free port. */
  port: number
  host: string
  /** Defaults to the openapi.yaml of this package. */
  specFile?: string
  /** Defaults to fixtures/oauth_connections.json; null starts empty. */
  fixturesFile?: string | null
  /** With `count`, adds that many generated records; the same seed, the same records. */
  seed: number
  count: number
  strict: boolean
  auth?: Credentials
  logLevel: string
  /** Where log lines go; standard output by default. */
  logDestination?: NodeJS.WritableStream
}

export const DEFAULT_CONFIG: MockConfig = {
  port: 4010,
  host: '127.0.0.1',
  seed: 1,
  count: 0,
  strict: false,
  logLevel: 'info',
}

export interface MockServer {
  app: Koa
  resource: OauthConnections
  logger: Logger
  /** Listens on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>
  /** Stops accepting connections and resolves once the open ones are done. */
  close(): Promise<void>
}

/**
 * The one entry point of the CLI, the tests and other projects: reads the spec, loads the
 * fixtures and builds the app. Any problem with the spec or the fixtures throws here, before
 * anything listens.
 */
export function createMockServer(overrides: Partial<MockConfig> = {}): MockServer {
  const config = { ...DEFAULT_CONFIG, ...overrides }
  const spec = loadSpec(config.specFile)
  const resource = new OauthConnections(readRecordShape(spec))
  const logger = pino({ level: config.logLevel }, config.logDestination ?? process.stdout)

  if (config.fixturesFile !== null)
    loadFixtures(spec, resource, config.fixturesFile ?? DEFAULT_FIXTURES_FILE)
  if (config.count > 0) generateRecords(spec, resource, config.seed, config.count)

  const app = createApp({ spec, resource, logger, strict: config.strict, auth: config.auth })
  let server: Server | undefined

  return {
    app,
    resource,
    logger,
    listen: () =>
      new Promise((resolve, reject) => {
        server = createHttpServer(app).listen(config.port, config.host)
        server.once('error', reject)
        server.once('listening', () => resolve(urlOf(server!.address() as AddressInfo)))
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server) return resolve()
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
      }),
  }
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
