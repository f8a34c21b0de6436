import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'

import type Koa from 'koa'

import { errorBody } from './envelope.ts'

/** A slow or stalled client cannot hold a socket longer than these. */
const HEADERS_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 30_000
const KEEP_ALIVE_TIMEOUT_MS = 5_000

/**
 * An HTTP server for the app with timeouts set, and with the requests Node refuses before
 * Koa sees them (headers too large, malformed) answered in the error envelope too.
 */
export function createHttpServer(app: Koa): Server {
  // Node enforces the timeouts below only when it checks its connections: every 30 s by
  // default, which would let a stalled client hold a socket three times longer than meant.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, app.callback())

  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.on('clientError', answerClientError)
  return server
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }

  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are over 16 KiB: send a shorter URL or fewer headers.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive: send it again, whole.']
        : [400, 'The request is not valid HTTP/1.1.']
  const body = JSON.stringify(errorBody(status, message))

  socket.end(
    `HTTP/1.1 ${status} ${errorBody(status, '').error}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Cache-Control: no-store\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  )
}
