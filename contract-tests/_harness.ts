// What every contract test file shares: where the API under test is, a small HTTP client,
// the check of every answer against openapi.yaml, and cleanup of what a run created.
//
// By default each test file starts its own mock in-process on a free port. With
// CONTRACT_BASE_URL set, the same tests run against that deployment instead (Basic auth from
// CONTRACT_PUBLIC_KEY and CONTRACT_PRIVATE_KEY); there every record a test creates has the
// run's unique prefix in its name, and is deleted when the file is done.
import { randomBytes } from 'node:crypto'

import type { ExecutionContext } from 'ava'

import { createMockServer, type MockConfig, type MockServer } from '../src/server.ts'
import { loadSpec } from '../src/spec/spec.ts'

export const API = '/api/v1/oauth_connections'

const spec = loadSpec()

export interface Answer {
  status: number
  headers: Headers
  /** The parsed JSON body, or the text when it is not JSON. */
  body: any
  text: string
}

export interface RequestOptions {
  /** Appended as a query string; arrays repeat the key. */
  query?: Record<string, string | number | boolean | (string | number)[]>
  /** Sent as a JSON body. */
  json?: unknown
  /** Sent as a form-urlencoded body. */
  form?: Record<string, string>
  /** Sent as it is, with the headers given. */
  raw?: string
  headers?: Record<string, string>
}

export interface Target {
  baseUrl: string
  /** True when the API under test is this project's mock, started by the harness. */
  isMock: boolean
  /** Unique to this run: names of created records start with it, so lists can be scoped. */
  prefix: string
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>
  /** Creates a record named `${prefix} ${name}` and remembers it for cleanup. */
  create(fields: Record<string, unknown>): Promise<any>
  /** Deletes every record this target created that still exists. */
  cleanup(): Promise<void>
  close(): Promise<void>
}

export async function startTarget(config: Partial<MockConfig> = {}): Promise<Target> {
  const external = process.env.CONTRACT_BASE_URL
  let server: MockServer | undefined
  let baseUrl: string

  if (external) {
    baseUrl = external.replace(/\/+$/, '')
  } else {
    server = createMockServer({ port: 0, logLevel: 'silent', ...config })
    baseUrl = await server.listen()
  }
  return buildTarget(baseUrl, server)
}

function buildTarget(baseUrl: string, server: MockServer | undefined): Target {
  const prefix = `ct-${randomBytes(4).toString('hex')}`
  const created = new Set<number>()
  const auth = credentials()

  const request = async (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...auth }
    let body: string | undefined

    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(options.form).toString()
    } else if (options.raw !== undefined) {
      body = options.raw
    }
    const response = await fetch(`${baseUrl}${path}${queryString(options.query)}`, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    })
    return answerOf(response)
  }

  return {
    baseUrl,
    isMock: server !== undefined,
    prefix,
    request,
    async create(fields) {
      const name = `${prefix} ${String(fields.name ?? 'record')}`
      const answer = await request('POST', API, { json: { oauth_connection: { ...fields, name } } })
      if (answer.status !== 201) throw new Error(`create failed: ${answer.status} ${answer.text}`)
      created.add(answer.body.oauth_connection.id)
      return answer.body.oauth_connection
    },
    async cleanup() {
      for (const id of created) await request('DELETE', `${API}/${id}`)
      created.clear()
    },
    close: async () => server?.close(),
  }
}

function credentials(): Record<string, string> {
  const user = process.env.CONTRACT_PUBLIC_KEY
  const password = process.env.CONTRACT_PRIVATE_KEY
  if (!user || !password) return {}

  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return ''

  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  return `?${params}`
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: tests that expect JSON will fail on the schema check, with the text shown.
  }
  return { status: response.status, headers: response.headers, body, text }
}

/**
 * Asserts the answer has the expected status and that its body is exactly what openapi.yaml
 * declares for that operation and status: any drift between the API and the spec fails here.
 */
export function assertContract(
  t: ExecutionContext,
  operationId: string,
  answer: Answer,
  expectedStatus: number,
): void {
  t.is(answer.status, expectedStatus, `status of ${operationId}: ${answer.text.slice(0, 500)}`)

  const check = spec.checkResponse(operationId, answer.status)
  if (!check) {
    t.fail(`openapi.yaml declares no ${answer.status} response for ${operationId}`)
    return
  }
  t.deepEqual(
    check(answer.body),
    [],
    `body of ${operationId} ${answer.status} against openapi.yaml`,
  )
}

/** Asserts a full stored record, every column present, as `OauthConnection` in the spec. */
export function assertFullRecord(t: ExecutionContext, record: unknown): void {
  t.deepEqual(spec.check('OauthConnection')(record), [], 'record against OauthConnection')
}
