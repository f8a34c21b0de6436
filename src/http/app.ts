import Koa, { type Context, type Next } from 'koa'
import type { Logger } from 'pino'

import type { OauthConnections } from '../oauth-connections/resource.ts'
import type { Spec } from '../spec/spec.ts'
import { ApiError } from '../errors.ts'
import { basicAuth, type Credentials } from './auth.ts'
import { errorEnvelope } from './envelope.ts'
import { createHandlers } from './handlers.ts'
import { createApiRouter, routerPath } from './router.ts'

export interface AppOptions {
  spec: Spec
  resource: OauthConnections
  logger: Logger
  strict: boolean
  auth?: Credentials
}

const SHOW_OPERATION = 'showOauthConnection'

/** The Koa app: request log, error envelope, headers, auth, then one route per operation. */
export function createApp(options: AppOptions): Koa {
  const app = new Koa()
  const router = createApiRouter(
    options.spec.operations,
    createHandlers(options.resource, recordPathOf(options.spec)),
    { strict: options.strict },
  )

  // Errors are answered and logged by the envelope; Koa's own printing would repeat them.
  app.silent = true
  app.use(requestLog(options.logger))
  app.use(errorEnvelope(options.logger))
  app.use(securityHeaders)
  app.use(limitUrlLength)
  if (options.auth) app.use(basicAuth(options.auth))
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
