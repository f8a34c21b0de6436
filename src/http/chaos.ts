import { setTimeout as sleep } from 'node:timers/promises'

import type { Context, Next } from 'koa'

import { ApiError } from '../errors.ts'

export interface ChaosOptions {
  /** Every API answer waits a random time in [min, max] milliseconds. */
  latency?: { min: number; max: number }
  /** This share of API requests (0 to 1) is answered 503 without running. */
  errorRate?: number
}

/**
 * Server-wide slowness and failures for chaos runs (`--latency`, `--error-rate`), so that a
 * frontend's loading and error states get exercised without any per-request header.
 */
export function chaos(options: ChaosOptions, random: () => number = Math.random) {
  const { latency, errorRate = 0 } = options

  return async function injectChaos(ctx: Context, next: Next): Promise<void> {
    if (!ctx.path.startsWith('/api/')) return next()

    if (latency) await sleep(latency.min + random() * (latency.max - latency.min))
    if (random() < errorRate) {
      throw new ApiError(503, 'Failed on purpose: the server runs with --error-rate. Try again.')
    }
    await next()
  }
}
