import cors from '@koa/cors'
import type { Context, Middleware } from 'koa'

import { SESSION_HEADER } from './router.ts'

// What a browser app needs from this API: every method the spec routes, the headers a client
// sends (credentials, JSON bodies, Prefer, its session), and the paging and Location headers
// it must read.
const ALLOW_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
const ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Prefer', SESSION_HEADER]
const EXPOSE_HEADERS = ['X-Total-Count', 'Link', 'Location']
/** Seconds a browser may keep a preflight's answer: fewer OPTIONS round trips while developing. */
const PREFLIGHT_MAX_AGE = 600

/**
 * CORS for every path. The request's own `Origin` is echoed rather than `*`, because a browser
 * refuses `*` on a credentialed request (Basic auth, cookies). With `origins` given, any other
 * origin gets no CORS headers at all, so the browser refuses the answer. Mounted before auth:
 * a preflight carries no credentials and must still be answered.
 */
export function corsHeaders(origins: readonly string[] = []): Middleware {
  const allowed = new Set(origins)

  return cors({
    origin: (ctx: Context) => allowedOrigin(ctx.get('Origin'), allowed),
    credentials: true,
    allowMethods: ALLOW_METHODS,
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
  })
}

/** The origin to echo, or '' (no CORS headers) for one outside the allowed set. */
function allowedOrigin(requestOrigin: string, allowed: ReadonlySet<string>): string {
  if (allowed.size === 0 || allowed.has(requestOrigin)) return requestOrigin
  return ''
}
