// autocannon ships no types and @types/autocannon is not installed: this declares only the
// part of its API the benchmark uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
    headers?: Record<string, string>
    body?: string
    idReplacement?: boolean
    connections?: number
    /** Seconds. */
    duration?: number
    /** Seconds to wait for an answer before counting a timeout (an error). */
    timeout?: number
  }

  interface Result {
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
    '2xx': number
    requests: { total: number; average: number }
    latency: { p50: number; p99: number }
    /** Seconds. */
    duration: number
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): this
    on(event: string, listener: (...args: unknown[]) => void): this
  }

  function autocannon(options: Options): Instance
  export default autocannon
}
