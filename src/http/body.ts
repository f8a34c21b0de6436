import coBody from 'co-body'
import getRawBody from 'raw-body'
import type { Context } from 'koa'
import typeIs from 'type-is'

import { ApiError } from '../errors.ts'
import type { Operation } from '../spec/operations.ts'
import { QS_OPTIONS, type Values } from './parameters.ts'

/** The largest body read; a larger one is refused (413) from its Content-Length, unread. */
export const BODY_LIMIT_BYTES = 1024 * 1024

const JSON_TYPE = 'application/json'
// co-body's types miss `onProtoPoisoning`, which it passes to its JSON parser (bourne).
const JSON_OPTIONS = {
  limit: BODY_LIMIT_BYTES,
  strict: false,
  onProtoPoisoning: 'remove',
} as coBody.Options
const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * The request body as an object of values, or undefined when there is none. Its media type
 * must be one the spec lists for the operation.
 */
export async function readBody(ctx: Context, operation: Operation): Promise<Values | undefined> {
  if (operation.bodyTypes.length === 0) {
    await discardBody(ctx)
    return undefined
  }
  // A Content-Length of 0 (what fetch sends for a POST without body) is no body either.
  if (!typeIs.hasBody(ctx.req) || ctx.get('Content-Length') === '0') return undefined

  const type = ctx.request.is(operation.bodyTypes)
  if (!type) {
    throw new ApiError(
      415,
      `Content-Type ${JSON.stringify(ctx.request.type || 'none')} is not accepted here: ` +
        `send the body as ${operation.bodyTypes.join(' or ')}.`,
    )
  }

  const body = await parseBody(ctx, type)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(
      422,
      'The request body must be an object of fields, flat or wrapped in "oauth_connection".',
      [{ parameter: '(body)', in: 'body', message: 'must be an object' }],
    )
  }
  return body as Values
}

/**
 * Reads and drops a body the operation does not take (a GET with a body). Answering without
 * reading it would close the socket on unread bytes, and the client would see a reset
 * instead of the answer.
 */
export async function discardBody(ctx: Context): Promise<void> {
  if (!typeIs.hasBody(ctx.req) || ctx.get('Content-Length') === '0') return

  try {
    await getRawBody(ctx.req, { limit: BODY_LIMIT_BYTES })
  } catch (error) {
    throw readingError(error, 'none')
  }
}

async function parseBody(ctx: Context, type: string): Promise<unknown> {
  try {
    if (type === JSON_TYPE || type.endsWith('+json')) {
      // Not strict: `null` or `123` is valid JSON and gets "must be an object" (422). A
      // `__proto__` key is dropped, like any key the spec does not name, not taken for bad JSON.
      return await coBody.json(ctx.req, JSON_OPTIONS)
    }
    if (type === FORM_TYPE) {
      return await coBody.form(ctx.req, { limit: BODY_LIMIT_BYTES, queryString: QS_OPTIONS })
    }
  } catch (error) {
    throw readingError(error, type)
  }
  throw new ApiError(415, `The server cannot read ${type} bodies: send ${JSON_TYPE}.`)
}

/**
 * The parser's own message is never passed on: a JSON syntax error quotes the body, and the
 * body may hold a client_secret.
 */
function readingError(error: unknown, type: string): ApiError {
  const status = (error as { status?: number }).status

  if (status === 413) {
    return new ApiError(
      413,
      `The request body is over ${BODY_LIMIT_BYTES} bytes (1 MiB): send less.`,
    )
  }
  if (status === 415) {
    return new ApiError(
      415,
      'The body has a Content-Encoding the server cannot read: send it plain.',
    )
  }
  if (type === JSON_TYPE) {
    return new ApiError(
      400,
      'The request body is not valid JSON: check its quotes, commas and braces.',
    )
  }
  return new ApiError(400, 'The request body could not be read: check that it is complete.')
}
