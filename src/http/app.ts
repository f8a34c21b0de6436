import Koa, { type Context, type Next } from 'koa'
import type { Logger } from 'pino'

import type { StoredRecord } from '../oauth-connections/types.ts'
import type { Sessions } from '../sessions.ts'
import type { Spec } from '../spec/spec.ts'
import { ApiError } from '../errors.ts'
import { basicAuth, type Credentials } from './auth.ts'
import { createAdminRouter } from './admin.ts'
import { chaos, type ChaosOptions } from './chaos.ts'
import { corsHeaders } from './cors.ts'
import { docsRoutes } from './docs.ts'
import { errorEnvelope } from './envelope.ts'
import { createHandlers } from './handlers.ts'
import { Journal } from './journal.ts'
import { createApiRouter, routerPath, SESSION_HEADER } from './router.ts'

export interface AppOptions {
  spec: Spec
  sessions: Sessions
  /** What `POST /__admin/reset` restores. */
  seed: StoredRecord[]
  logger: Logger
  strict: boolean
  auth?: Credentials
  chaos: ChaosOptions
  /** Browser origins CORS allows; none allows any. */
  corsOrigins?: string[]
}

const SHOW_OPERATION = 'showOauthConnection'
const JOURNAL_CAPACITY = 1000

/**
 * The Koa app, outermost first: request log, journal, error envelope, security headers, CORS,
 * URL length, the docs page, auth, the admin API, chaos, then one route per operation.
 */
export function createApp(options: AppOptions): Koa {
  const app = new Koa()
  const router = createApiRouter(
    options.spec.operations,
    createHandlers(recordPathOf(options.spec)),
    { strict: options.strict, sessions: options.sessions },
  )

  const journal = new Journal(JOURNAL_CAPACITY, options.spec.writeOnly)
  const admin = createAdminRouter({ ...options, journal })

  // Errors are answered and logged by the envelope; Koa's own printing would repeat them.
  app.silent = true
  app.use(requestLog(options.logger))
  app.use(journal.record(SESSION_HEADER))
  app.use(errorEnvelope(options.logger))
  app.use(securityHeaders)
  app.use(corsHeaders(options.corsOrigins))
  app.use(limitUrlLength)
  app.use(docsRoutes(options.spec))
  if (options.auth) app.use(basicAuth(options.auth))
  app.use(admin.routes())
  app.use(admin.allowedMethods())
  app.use(chaos(options.chaos))
  app.use(router.routes())
  app.use(router.allowedMethods())
  return app
}

/** The API path of a record, from the spec's show path: where `Location` points. */
function recordPathOf(spec: Spec): (id: number) => string {
  const show = spec.operations.find((operation) => operation.operationId === SHOW_OPERATION)
  if (!show) throw new Error(`openapi.yaml has no ${SHOW_OPERATION} operation`)

  return (id) => routerPath(show.path).replace(/:[^/]+/, String(id))
}

/** One line per request. The path only: a query string may carry a secret. */
function requestLog(logger: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = performance.now()

    await next()
    const ms = Math.round((performance.now() - started) * 10) / 10
    logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request')
  }
}

/** Longer URLs than any real list needs are refused before anything parses them. */
const MAX_URL_LENGTH = 8 * 1024

async function limitUrlLength(ctx: Context, next: Next): Promise<void> {
  if (ctx.originalUrl.length > MAX_URL_LENGTH) {
    throw new ApiError(414, `The URL is over ${MAX_URL_LENGTH} characters: send fewer parameters.`)
  }
  await next()
}

async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('X-Content-Type-Options', 'nosniff')
  ctx.set('Cache-Control', 'no-store')
  await next()
}
