import { STATUS_CODES } from 'node:http'

import type { Context, Next } from 'koa'
import type { Logger } from 'pino'

import { ApiError, type ParameterProblem } from '../errors.ts'

/** The one error envelope the spec declares (components.schemas.Error). */
export interface ErrorBody {
  status: number
  error: string
  message: string
  errors?: ParameterProblem[]
}

/**
 * Turns every failure into the error envelope: typed errors with their own status and
 * message, unmatched paths into 404, wrong methods into 405 (the router has set `Allow`),
 * and anything unexpected into a 500 whose details go to the log, never to the client.
 */
export function errorEnvelope(logger: Logger) {
  return async function envelope(ctx: Context, next: Next): Promise<void> {
    try {
      await next()
      if (ctx.body === undefined || ctx.body === null) answerEmptyStatus(ctx)
    } catch (error) {
      answerError(ctx, error, logger)
    }
  }
}

export function errorBody(status: number, message: string, errors?: ParameterProblem[]): ErrorBody {
  const body: ErrorBody = { status, error: STATUS_CODES[status] ?? 'Error', message }
  if (errors && errors.length > 0) body.errors = errors
  return body
}

function answerEmptyStatus(ctx: Context): void {
  if (ctx.status === 404) {
    ctx.status = 404
    ctx.body = errorBody(
      404,
      `Nothing is at ${ctx.method} ${ctx.path}: the API lives under ` +
        '/api/v1/oauth_connections.',
    )
  } else if (ctx.status === 405 || ctx.status === 501) {
    const allowed = ctx.response.get('Allow')
    ctx.body = errorBody(
      ctx.status,
      `${ctx.method} is not allowed on ${ctx.path}: ` + `use ${allowed || 'another method'}.`,
    )
  }
}

function answerError(ctx: Context, error: unknown, logger: Logger): void {
  const known = asApiError(error)

  if (!known) logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unexpected error')
  const status = known?.status ?? 500
  const message = known?.message ?? 'The mock server failed unexpectedly; its log has the details.'

  ctx.status = status
  ctx.body = errorBody(status, message, known?.errors)
}

/**
 * Our own typed errors, and the client errors Koa's helpers raise with a message meant for
 * the client (`expose`). A 5xx is never exposed.
 */
function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error

  const { status, expose, message } = (error ?? {}) as {
    status?: number
    expose?: boolean
    message?: string
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && expose) {
    return new ApiError(status, message ?? STATUS_CODES[status] ?? 'Bad request')
  }
  return undefined
}
