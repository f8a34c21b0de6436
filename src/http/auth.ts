import { createHash, timingSafeEqual } from 'node:crypto'

import type { Context, Next } from 'koa'

import { ApiError } from '../errors.ts'

export interface Credentials {
  publicKey: string
  privateKey: string
}

const CHALLENGE = 'Basic realm="oauth_connections", charset="UTF-8"'

/**
 * Basic auth as the platform asks for it: the public key as user, the private key as password.
 * Both halves are compared at once, in constant time, and the answer never says which was wrong.
 */
export function basicAuth(credentials: Credentials) {
  const expected = digest(`${credentials.publicKey}:${credentials.privateKey}`)

  return async function requireCredentials(ctx: Context, next: Next): Promise<void> {
    const given = decode(ctx.get('Authorization'))

    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      ctx.set('WWW-Authenticate', CHALLENGE)
      throw new ApiError(
        401,
        'Send Basic credentials: your public key as user, private key as password.',
      )
    }
    await next()
  }
}

function decode(header: string): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim())
  return match ? Buffer.from(match[1], 'base64').toString('utf8') : undefined
}

/** Hashing first makes both sides the same length, so the comparison leaks no length either. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
