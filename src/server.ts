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
import { readRecordShape, type RecordShape } from './oauth-connections/shape.ts'
import type { StoredRecord } from './oauth-connections/types.ts'
import { DEFAULT_MAX_SESSIONS, Sessions } from './sessions.ts'
import { loadSpec, type Spec } from './spec/spec.ts'
import { StateFile } from './state-file.ts'

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
  /** Keeps the default data in this file across restarts. */
  stateFile?: string
  /** How many `X-Mock-Session` sessions live at once. */
  maxSessions: number
  /** Every API answer waits a random time in [min, max] milliseconds. */
  latency?: { min: number; max: number }
  /** This share of API requests (0 to 1) is answered 503, for chaos runs. */
  errorRate?: number
  /** Browser origins CORS allows; none (the default) allows any, echoing its Origin. */
  corsOrigins?: string[]
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
  maxSessions: DEFAULT_MAX_SESSIONS,
}

const CLOSE_SWEEP_MS = 50

export interface MockServer {
  app: Koa
  /** The default data: what requests without `X-Mock-Session` work on. */
  resource: OauthConnections
  sessions: Sessions
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
  const shape = readRecordShape(spec)
  const logger = pino({ level: config.logLevel }, config.logDestination ?? process.stdout)
  const seed = seedRecords(spec, shape, config)

  // Records are never changed in place (updates make new objects), so every session can
  // start from the same seed objects without copying them.
  const sessions = new Sessions(() => {
    const resource = new OauthConnections(shape)
    resource.restoreMany(seed)
    return resource
  }, config.maxSessions)
  const resource = sessions.default
  if (config.stateFile) keepState(resource, new StateFile(config.stateFile))

  const app = createApp({
    spec,
    sessions,
    seed,
    logger,
    strict: config.strict,
    auth: config.auth,
    corsOrigins: config.corsOrigins,
    chaos: { latency: config.latency, errorRate: config.errorRate },
  })
  let server: Server | undefined

  return {
    app,
    resource,
    sessions,
    logger,
    listen: () =>
      new Promise((resolve, reject) => {
        server = createHttpServer(app).listen(config.port, config.host)
        server.once('error', reject)
        server.once('listening', () => resolve(urlOf(server!.address() as AddressInfo)))
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server?.listening) return resolve()
        // A keep-alive connection whose answer was in flight turns idle afterwards: sweeping
        // idle ones until the end keeps it from holding the exit back for its whole timeout.
        const sweep = setInterval(() => server?.closeIdleConnections(), CLOSE_SWEEP_MS)
        server.close((error) => {
          clearInterval(sweep)
          return error ? reject(error) : resolve()
        })
        server.closeIdleConnections()
      }),
  }
}

/** The records every session starts from: the fixtures, then the generated ones. */
function seedRecords(spec: Spec, shape: RecordShape, config: MockConfig): StoredRecord[] {
  const seed = new OauthConnections(shape)

  if (config.fixturesFile !== null) {
    loadFixtures(spec, seed, config.fixturesFile ?? DEFAULT_FIXTURES_FILE)
  }
  if (config.count > 0) generateRecords(spec, seed, config.seed, config.count)
  return seed.records()
}

/**
 * Loads the default data from the state file when it has one (else writes the seed there),
 * then writes down every change before it is answered.
 */
function keepState(resource: OauthConnections, file: StateFile): void {
  const saved = file.read()

  const snapshot = () => file.write({ records: resource.records(), lastId: resource.store.lastId })

  if (saved) {
    resource.replaceAll(saved.records)
    resource.store.skipIdsUpTo(saved.lastId)
  }
  // A fresh snapshot also drops a torn last line, which appends would otherwise run into.
  snapshot()
  resource.onChange = (change) => {
    if ('replaced' in change || file.append(change, resource.store.size)) snapshot()
  }
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
