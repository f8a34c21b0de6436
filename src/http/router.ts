import Router from '@koa/router'
import type { Context } from 'koa'

import { InvalidParametersError, type ParameterProblem } from '../errors.ts'
import type { Fields } from '../oauth-connections/types.ts'
import type { Sessions } from '../sessions.ts'
import type { Operation } from '../spec/operations.ts'
import { discardBody, readBody } from './body.ts'
import { delayAsPreferred, preferredAnswer, readPreferences } from './prefer.ts'
import { gatherFields } from './fields.ts'
import type { Handler } from './handlers.ts'
import {
  knownQueryNames,
  parseQuery,
  readPathParameters,
  readQueryParameters,
  rejectUnknown,
  unknownNames,
} from './parameters.ts'

// Links are written relative to the host (RFC 8288 allows it), so that a missing or forged
// Host header cannot break them and they stay right behind a proxy.
const URL_BASE = 'http://mock.invalid'

export interface RouterOptions {
  /** Reject parameters the spec does not name, instead of ignoring them. */
  strict: boolean
  sessions: Sessions
}

/** Names the session whose data a request works on; none means the default data. */
export const SESSION_HEADER = 'X-Mock-Session'

/** A route per operation of the spec, each handled by the handler of its operationId. */
export function createApiRouter(
  operations: Operation[],
  handlers: Record<string, Handler>,
  options: RouterOptions,
): Router {
  const router = new Router()

  for (const operation of operations) {
    const handler = handlers[operation.operationId]
    if (!handler) throw new Error(`openapi.yaml: no handler for operation ${operation.operationId}`)

    router.register(routerPath(operation.path), [operation.method], async (ctx: Context) => {
      await answer(ctx, operation, handler, options)
    })
  }
  return router
}

/** `/things/{id}` → `/things/:id`, the router's spelling. */
export function routerPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1')
}

/**
 * 1. honour a `Prefer: delay=MS`;
 * 2. read the path, the query and the body as the spec types them;
 * 3. check all three against the spec and report every problem at once;
 * 4. answer what `Prefer` asks for, or hand the values to the operation's handler.
 */
async function answer(
  ctx: Context,
  operation: Operation,
  handler: Handler,
  options: RouterOptions,
): Promise<void> {
  const preferences = readPreferences(ctx.get('Prefer'))
  await delayAsPreferred(preferences)

  const query = parseQuery(ctx.querystring)
  const queryNames = knownQueryNames(operation)
  if (options.strict) rejectUnknown(unknownNames(query, queryNames), 'query')

  const path = readPathParameters(operation, ctx.params as Record<string, string>)
  const values = readQueryParameters(operation, query)
  const { fields, problems: fieldProblems } = await readFields(ctx, operation, query, options)
  const problems = [...operation.checkPath(path), ...operation.checkQuery(values), ...fieldProblems]
  if (problems.length > 0) throw new InvalidParametersError(problems)

  const url = new URL(`${URL_BASE}${ctx.originalUrl}`)
  const resource = options.sessions.get(ctx.get(SESSION_HEADER) || undefined)
  const result =
    preferredAnswer(operation, preferences) ??
    handler({
      resource,
      path: path as Record<string, string>,
      query: values,
      fields,
      url,
      queryNames,
    })

  ctx.status = result.status
  ctx.body = result.body
  if (result.headers) ctx.set(result.headers)
}

async function readFields(
  ctx: Context,
  operation: Operation,
  query: Record<string, unknown>,
  options: RouterOptions,
): Promise<{ fields: Fields; problems: ParameterProblem[] }> {
  if (!operation.fieldsParameter || !operation.checkFields) {
    await discardBody(ctx)
    return { fields: {}, problems: [] }
  }

  const body = await readBody(ctx, operation)
  const { fields, fromBody } = gatherFields(operation, query, body, options.strict)
  ctx.state.requestBody = fields
  const problems = operation.checkFields(fields).map((problem) => ({
    ...problem,
    in: fromBody.has(problem.parameter) ? problem.in : ('query' as const),
  }))
  return { fields, problems }
}
