/** The scenarios, and one load run of a scenario against a server with autocannon. */
import autocannon from 'autocannon'
import { performance } from 'node:perf_hooks'

import { AUTH_HEADER, LIST_PATH } from './processes.ts'

export interface Scenario {
  name: string
  method: 'GET' | 'POST' | 'PUT'
  path: string
  body?: string
}

/** A filter a user types: matches about a quarter of a year's generated records. */
export const FILTERED_LIST_PATH =
  `${LIST_PATH}?fulltext=con&created_at_from=2025-01-01&created_at_to=2025-12-31` +
  '&columns=id,name,created_at'

export const SCENARIOS: Scenario[] = [
  { name: 'show', method: 'GET', path: `${LIST_PATH}/5` },
  { name: 'list', method: 'GET', path: `${LIST_PATH}?page=1&per_page=25` },
  { name: 'list filtered', method: 'GET', path: FILTERED_LIST_PATH },
  // [<id>] makes every name unique, as real clients' names are, so that key de-duplication
  // (salesforce-eu-2, -3, ...) is not what gets measured.
  { name: 'create', method: 'POST', path: LIST_PATH, body: '{"name":"Bench [<id>]"}' },
  {
    name: 'update',
    method: 'PUT',
    path: `${LIST_PATH}/5`,
    body: '{"name":"Bench update","description":"Rotated by the benchmark"}',
  },
]

export interface LoadOptions {
  /** Seconds. */
  duration: number
  connections: number
}

/** What one or more runs of a scenario against one server measured. */
export interface Sample {
  /** Every answer's latency in ms, 2xx or not. */
  latencies: number[]
  /** Seconds spent loading the server. */
  seconds: number
  errors: number
  non2xx: number
}

export const emptySample = (): Sample => ({ latencies: [], seconds: 0, errors: 0, non2xx: 0 })

/** Runs `scenario` against `base` and adds what it measured to `into`. */
export async function load(
  base: string,
  scenario: Scenario,
  options: LoadOptions,
  into: Sample = emptySample(),
): Promise<Sample> {
  const instance = autocannon({
    url: base + scenario.path,
    method: scenario.method,
    headers: headersOf(scenario),
    body: scenario.body,
    idReplacement: scenario.body?.includes('[<id>]') ?? false,
    connections: options.connections,
    duration: options.duration,
  })
  // autocannon's own histogram keeps whole milliseconds; this keeps the exact figure.
  instance.on('response', (_client, _status, _bytes, ms) => into.latencies.push(ms))
  const started = performance.now()
  const result = await instance
  into.seconds += (performance.now() - started) / 1000
  into.errors += result.errors
  into.non2xx += result.non2xx
  return into
}

function headersOf(scenario: Scenario): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: AUTH_HEADER,
  }
  if (scenario.body !== undefined) headers['Content-Type'] = 'application/json'
  return headers
}

export interface Summary {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

export function summarize(sample: Sample): Summary {
  const sorted = Float64Array.from(sample.latencies).sort()
  return {
    rps: sorted.length / (sample.seconds || 1),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: sample.errors,
    non2xx: sample.non2xx,
  }
}

/** The nearest-rank percentile: the smallest value at or above a share `q` of the samples. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}
