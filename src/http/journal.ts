import type { Context, Next } from 'koa'

import { parseQuery } from './parameters.ts'

/** One request and its answer, as the admin API shows them. */
export interface JournalEntry {
  time: string
  method: string
  path: string
  query: Record<string, unknown>
  session: string | null
  status: number
  requestBody: unknown
  responseBody: unknown
}

export interface JournalFilter {
  method?: string
  path?: string
  /** Epoch milliseconds: entries at or after this time. */
  since?: number
}

const MASK = '[FILTERED]'
/** Deeper values are summarized: a hostile body nested 10,000 deep must not cost a stack. */
const MAX_DEPTH = 6

/**
 * The last requests to the API and their answers, newest last, at most `capacity` of them.
 * Write-only fields are masked wherever they appear, at any depth.
 */
export class Journal {
  readonly #entries: JournalEntry[] = []
  readonly #capacity: number
  readonly #writeOnly: ReadonlySet<string>

  constructor(capacity: number, writeOnly: ReadonlySet<string>) {
    this.#capacity = capacity
    this.#writeOnly = writeOnly
  }

  /** Koa middleware that records every request it sees. */
  record(sessionHeader: string) {
    return async (ctx: Context, next: Next): Promise<void> => {
      if (!ctx.path.startsWith('/api/')) return next()
      try {
        await next()
      } finally {
        // requestBody is set by the router: the fields as it understood them, never the raw
        // body, which may be anything a client sent. Recording must never break the answer.
        this.#tryAdd(ctx, sessionHeader)
      }
    }
  }

  #tryAdd(ctx: Context, sessionHeader: string): void {
    try {
      this.#add({
        time: new Date().toISOString(),
        method: ctx.method,
        path: ctx.path,
        query: this.#mask(parseQuery(ctx.querystring)) as Record<string, unknown>,
        session: ctx.get(sessionHeader) || null,
        status: ctx.status,
        requestBody: this.#mask(ctx.state.requestBody ?? null),
        responseBody: bounded(ctx.body ?? null),
      })
    } catch {
      // A journal entry is a convenience; the request itself has been answered.
    }
  }

  find(filter: JournalFilter): JournalEntry[] {
    return this.#entries.filter(
      (entry) =>
        (!filter.method || entry.method === filter.method.toUpperCase()) &&
        (!filter.path || entry.path === filter.path) &&
        (filter.since === undefined || Date.parse(entry.time) >= filter.since),
    )
  }

  clear(): number {
    return this.#entries.splice(0).length
  }

  #add(entry: JournalEntry): void {
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity) this.#entries.shift()
  }

  #mask(value: unknown, depth = 0): unknown {
    if (typeof value !== 'object' || value === null) return value
    if (depth >= MAX_DEPTH) return '[nested]'
    if (Array.isArray(value)) return value.map((item) => this.#mask(item, depth + 1))

    const masked: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      masked[key] = this.#writeOnly.has(key) ? MASK : this.#mask(inner, depth + 1)
    }
    return masked
  }
}

/**
 * A list answer is kept as its size and metadata, so that 1,000 entries stay small whatever
 * `per_page` was; single records and errors are kept whole (they hold no write-only field).
 */
function bounded(body: unknown): unknown {
  if (Array.isArray(body)) return { records: body.length }

  const list = (body as { oauth_connections?: unknown[]; metadata?: unknown } | null) ?? {}
  if (Array.isArray(list.oauth_connections)) {
    return { records: list.oauth_connections.length, metadata: list.metadata }
  }
  return body
}
