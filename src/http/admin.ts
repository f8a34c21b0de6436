import { readFileSync } from 'node:fs'

import Router from '@koa/router'
import coBody from 'co-body'
import type { Context } from 'koa'

import { ApiError } from '../errors.ts'
import { checkRecords } from '../fixtures/load.ts'
import type { OauthConnections } from '../oauth-connections/resource.ts'
import { serialize } from '../oauth-connections/serializer.ts'
import type { StoredRecord } from '../oauth-connections/types.ts'
import type { Sessions } from '../sessions.ts'
import type { Spec } from '../spec/spec.ts'
import type { Journal } from './journal.ts'
import { SESSION_HEADER } from './router.ts'
import { packageFile } from '../package-root.ts'

export const ADMIN_SPEC_FILE = packageFile('admin.openapi.yaml')

/** An import may hold the whole state: far larger than an API body may be. */
const IMPORT_LIMIT = '200mb'

export interface AdminOptions {
  spec: Spec
  sessions: Sessions
  seed: StoredRecord[]
  journal: Journal
}

/** The mock's own controls under /__admin, described in admin.openapi.yaml. */
export function createAdminRouter(options: AdminOptions): Router {
  const router = new Router({ prefix: '/__admin' })
  const adminSpec = readFileSync(ADMIN_SPEC_FILE, 'utf8')
  const sessionOf = (ctx: Context) => options.sessions.get(ctx.get(SESSION_HEADER) || undefined)

  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'application/yaml'
    ctx.body = adminSpec
  })
  router.post('/reset', (ctx) => {
    const resource = sessionOf(ctx)
    resource.replaceAll(options.seed)
    ctx.body = { total_count: resource.store.size }
  })
  router.get('/state', (ctx) => {
    const resource = sessionOf(ctx)
    const records = resource.records().map((record) => serialize(resource.shape, record))
    ctx.body = { oauth_connections: records, total_count: records.length }
  })
  router.put('/state', async (ctx) => {
    const resource = sessionOf(ctx)
    importState(resource, options.spec, await readImport(ctx))
    ctx.body = { total_count: resource.store.size }
  })
  router.get('/journal', (ctx) => {
    ctx.body = { entries: options.journal.find(journalFilter(ctx)) }
  })
  router.delete('/journal', (ctx) => {
    ctx.body = { cleared: options.journal.clear() }
  })
  return router
}

async function readImport(ctx: Context): Promise<unknown> {
  if (!ctx.request.is('application/json')) {
    throw new ApiError(415, 'Send the state as application/json, in the form of a fixture file.')
  }
  try {
    return await coBody.json(ctx.req, { limit: IMPORT_LIMIT, strict: true })
  } catch (error) {
    const status = (error as { status?: number }).status === 413 ? 413 : 400
    throw new ApiError(status, `The state could not be read as JSON (limit ${IMPORT_LIMIT}).`)
  }
}

/** Checks every record first, so that a bad one leaves the data as it was. */
function importState(resource: OauthConnections, spec: Spec, body: unknown): void {
  try {
    resource.replaceAll(checkRecords(spec, body, 'the imported state'))
  } catch (error) {
    throw new ApiError(422, `${(error as Error).message}. Nothing was imported.`)
  }
}

function journalFilter(ctx: Context) {
  const { method, path, since } = ctx.query
  const sinceTime = typeof since === 'string' ? Date.parse(since) : undefined
  if (Number.isNaN(sinceTime)) {
    throw new ApiError(422, 'since must be an ISO 8601 time, such as 2026-01-01T00:00:00Z.', [
      { parameter: 'since', in: 'query', message: 'must be an ISO 8601 time' },
    ])
  }
  return {
    method: typeof method === 'string' ? method : undefined,
    path: typeof path === 'string' ? path : undefined,
    since: sinceTime,
  }
}
