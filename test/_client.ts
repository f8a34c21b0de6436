// A small HTTP client for the reliability and security tests. node:http rather than fetch:
// it sends a path exactly as written (bad percent escapes included), a body with any method
// (GET too), and any header, and it gives up after a deadline, so that a hang is a failure.
import { request, STATUS_CODES, type Agent, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { performance } from 'node:perf_hooks'

export const API = '/api/v1/oauth_connections'

export interface Sent {
  method: string
  /** Path and query string, sent as they are. */
  path: string
  headers?: Record<string, string | number>
  body?: string | Buffer
  /** Milliseconds before the request counts as hung; 10 s by default. */
  timeoutMs?: number
  agent?: Agent | false
}

export interface Received {
  status: number
  headers: IncomingHttpHeaders
  /** The header lines as they came, to search them for what must not be there. */
  rawHeaders: string
  text: string
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any
}

const DEFAULT_TIMEOUT_MS = 10_000

export function send(baseUrl: string, sent: Sent): Promise<Received> {
  const url = new URL(baseUrl)
  const body = sent.body === undefined ? undefined : Buffer.from(sent.body)
  const headers = { ...sent.headers }
  if (body) headers['content-length'] = body.length

  return new Promise((resolve, reject) => {
    const outgoing = request({
      host: url.hostname,
      port: url.port,
      method: sent.method,
      path: sent.path,
      headers,
      agent: sent.agent ?? false,
    })
    outgoing.setTimeout(sent.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`no answer within ${sent.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
    )
    outgoing.once('error', reject)
    outgoing.once('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('error', reject)
      response.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          rawHeaders: pairs(response.rawHeaders),
          text,
          json: parseJson(text),
        })
      })
    })
    outgoing.end(body)
  })
}

export function sendJson(baseUrl: string, method: string, path: string, json: unknown) {
  return send(baseUrl, {
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  })
}

export function sendForm(baseUrl: string, method: string, path: string, form: string) {
  return send(baseUrl, {
    method,
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  })
}

function pairs(raw: string[]): string {
  const lines: string[] = []
  for (let index = 0; index < raw.length; index += 2) {
    lines.push(`${raw[index]}: ${raw[index + 1]}`)
  }
  return lines.join('\r\n')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const ENVELOPE_KEYS = new Set(['status', 'error', 'message', 'errors'])

/**
 * What is wrong with an error answer, as text for an assertion message; empty when it is the
 * spec's envelope: JSON `{status, error, message, errors?}`, `status` the HTTP status.
 */
export function envelopeProblems(status: number, contentType: unknown, body: unknown): string[] {
  const problems: string[] = []
  if (!/^application\/json/.test(String(contentType ?? ''))) {
    problems.push(`content-type ${String(contentType)}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [...problems, 'body is not a JSON object']
  }

  const envelope = body as Record<string, unknown>
  if (envelope.status !== status) problems.push(`status ${envelope.status} in a ${status}`)
  if (envelope.error !== STATUS_CODES[status]) problems.push(`error ${String(envelope.error)}`)
  if (typeof envelope.message !== 'string' || envelope.message === '') {
    problems.push('no message')
  }
  if (envelope.errors !== undefined && !Array.isArray(envelope.errors)) {
    problems.push('errors is not an array')
  }
  const extra = Object.keys(envelope).filter((key) => !ENVELOPE_KEYS.has(key))
  if (extra.length > 0) problems.push(`extra keys ${extra.join(', ')}`)
  return problems
}

export function envelopeProblemsOf(answer: Received): string[] {
  return envelopeProblems(answer.status, answer.headers['content-type'], answer.json)
}

/** One line describing an answer, for assertion messages. */
export function describe(answer: Received): string {
  return `${answer.status} ${answer.text.slice(0, 300)}`
}

export interface RawOutcome {
  /** Everything the server wrote, as text. */
  received: string
  /** Whether the server closed the connection before the deadline. */
  closed: boolean
  /** Milliseconds from the connection to the close, or to the deadline. */
  elapsedMs: number
}

/**
 * Writes `text` on a bare TCP connection and waits, sending nothing more, until the server
 * closes it or `waitMs` passes: what a slow or broken client looks like to the server.
 * With `untilAnswered`, stops as soon as a whole answer (headers and Content-Length) is in.
 */
export function rawExchange(
  baseUrl: string,
  text: string,
  waitMs: number,
  untilAnswered = false,
): Promise<RawOutcome> {
  const url = new URL(baseUrl)
  const started = performance.now()

  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text))
    let received = ''
    const finish = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ received, closed, elapsedMs: Math.round(performance.now() - started) })
    }
    const timer = setTimeout(() => finish(false), waitMs)

    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (untilAnswered && parseRaw(received)?.complete) finish(false)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => finish(true))
  })
}

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
  json: any
  complete: boolean
}

/** The first answer in raw HTTP/1.1 text; undefined until its headers are whole. */
export function parseRaw(text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return undefined

  const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  const body = text.slice(end + 4, end + 4 + length)
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body,
    json: parseJson(body),
    complete: Buffer.byteLength(body) >= length,
  }
}
