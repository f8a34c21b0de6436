/**
 * The ceiling: a bare node:http server that answers every request with one fixed record, the
 * same shape as a show answer. Nothing a framework, a router or a validator would add, so its
 * requests/s bound what any Node server can do on this machine.
 *
 * Usage: node --import tsx bench/bare-server.ts PORT
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const WRITE_ONLY = ['client_secret', 'access_token']

function showBody(): Buffer {
  const file = new URL('../fixtures/oauth_connections.json', import.meta.url)
  const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[]
  const record = { ...(records.find((each) => each.id === 5) ?? records[0]) }
  for (const field of WRITE_ONLY) delete record[field]
  return Buffer.from(JSON.stringify({ oauth_connection: record }))
}

const body = showBody()
const headers = {
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': String(body.length),
}
const port = Number(process.argv[2])

const server = createServer((_request, response) => {
  // The request body, if any, is left unread: Node discards it once the answer is sent.
  response.writeHead(200, headers)
  response.end(body)
}).listen(port, '127.0.0.1')

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
