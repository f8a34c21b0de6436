// What every contract test file shares: where the API under test is, a small HTTP client,
// the check of every answer against openapi.yaml, and cleanup of what a run created.
//
// By default each test file starts its own mock in-process on a free port. With
// CONTRACT_BASE_URL set, the same tests run against that deployment instead (Basic auth from
// CONTRACT_PUBLIC_KEY and CONTRACT_PRIVATE_KEY); there every record a test creates has the
// run's unique prefix in its name, and is deleted when the file is done.
//
// With CONTRACT_VIA_PRISM=1 (`npm run contract`), every request goes through `prism proxy`
// (see _prism.ts), which judges it and its answer against openapi.yaml as well. With
// CONTRACT_READ_ONLY=1, nothing is written: tests declared with `writeTest` are skipped, and a
// write request or `target.create` throws.
import { randomBytes } from 'node:crypto'

import test, { type ExecutionContext, type SkipFn } from 'ava'

import { createMockServer, type MockConfig, type MockServer } from '../src/server.ts'
import { loadSpec } from '../src/spec/spec.ts'
import { encodeBody } from './_body.ts'
import { startPrismProxy, unjudgeable, type PrismProxy } from './_prism.ts'

export const API = '/api/v1/oauth_connections'

const spec = loadSpec()

const VIA_PRISM = isOn(process.env.CONTRACT_VIA_PRISM)
export const READ_ONLY = isOn(process.env.CONTRACT_READ_ONLY)
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
// Prism checks that Basic credentials are present and well formed, never their value; the mock
// without --auth ignores them. So a run without keys sends these, and Prism's check passes.
const PLACEHOLDER_AUTH = `Basic ${Buffer.from('contract:via-prism').toString('base64')}`

/** `test`, or `test.skip` in a read-only run: for every test that creates, updates or deletes. */
export const writeTest: SkipFn = READ_ONLY ? test.skip : test

function isOn(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.toLowerCase())
}

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
  /** Where requests go: Prism in a CONTRACT_VIA_PRISM run, else the API itself. */
  baseUrl: string
  /** True when the API under test is this project's mock, started by the harness. */
  isMock: boolean
  /** Unique to this run: names of created records start with it, so lists can be scoped. */
  prefix: string
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>
  /** `fetch` with this target's auth, judged by Prism when it runs: for other HTTP clients. */
  fetch(input: Request): Promise<Response>
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
    await assertReachable(baseUrl)
  } else {
    server = createMockServer({ port: 0, logLevel: 'silent', ...config })
    baseUrl = await server.listen()
  }
  const prism = VIA_PRISM ? await startPrism(baseUrl, server) : undefined
  return buildTarget(baseUrl, server, prism)
}

/**
 * Without --errors: Prism forwards everything and reports in `sl-violations`, so the tests of
 * bad input still reach the API (with --errors Prism would answer them itself).
 */
async function startPrism(baseUrl: string, server: MockServer | undefined) {
  try {
    return await startPrismProxy(baseUrl)
  } catch (error) {
    await server?.close()
    throw error
  }
}

/**
 * One request before any test, so that a wrong URL or wrong keys fail each file once, with
 * what to fix, instead of failing every test with the same 401.
 */
async function assertReachable(baseUrl: string): Promise<void> {
  const url = `${baseUrl}${API}?per_page=1`
  const response = await fetch(url, { headers: credentials(false) }).catch((error: Error) => {
    throw new Error(`CONTRACT_BASE_URL does not answer (${url}): ${error.message}`)
  })
  await response.body?.cancel()

  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `${url} answered ${response.status}: check CONTRACT_PUBLIC_KEY and CONTRACT_PRIVATE_KEY`,
    )
  }
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}, not 200: is CONTRACT_BASE_URL right?`)
  }
}

/**
 * The target of one test file: started before its tests, its records deleted and it closed
 * after them. Call it once, at the top of the file.
 */
export function useTarget(config: Partial<MockConfig> = {}): Target {
  let started: Target | undefined

  test.before(async () => {
    started = await startTarget(config)
  })
  test.after.always(async () => {
    await started?.cleanup()
    await started?.close()
  })
  return new Proxy({} as Target, {
    get(_, key) {
      if (!started) throw new Error('the target starts in test.before: use it inside tests')
      return Reflect.get(started, key)
    },
  })
}

/** A raw request through the target; a record it creates is deleted when the test ends. */
export async function sendCleaningUp(
  target: Target,
  t: ExecutionContext,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const answer = await target.request(method, path, options)
  const id = answer.status === 201 ? answer.body?.oauth_connection?.id : undefined
  if (id !== undefined) {
    t.teardown(async () => {
      await target.request('DELETE', `${API}/${id}`)
    })
  }
  return answer
}

let tags = 0

/** A name part no other test's records carry, so that concurrent tests never see each other. */
export function uniqueTag(label: string): string {
  tags += 1
  return `${label} #${tags}:`
}

/** A list request for only the records whose names carry `tag`, plus the query given. */
export function taggedLister(target: Target) {
  return (tag: string, query: RequestOptions['query'] = {}): Promise<Answer> =>
    target.request('GET', API, { query: { fulltext: `${target.prefix} ${tag}`, ...query } })
}

function buildTarget(
  apiUrl: string,
  server: MockServer | undefined,
  prism: PrismProxy | undefined,
): Target {
  const baseUrl = prism?.url ?? apiUrl
  const prefix = `ct-${randomBytes(4).toString('hex')}`
  const created = new Set<number>()
  const auth = credentials(prism !== undefined)

  const request = async (method: string, path: string, options: RequestOptions = {}) => {
    refuseWrite(method, path)
    const { body, contentType } = encodeBody(options)
    const headers: Record<string, string> = { accept: 'application/json', ...auth }
    if (contentType) headers['content-type'] = contentType
    const init = { method, headers: { ...headers, ...options.headers }, body }
    return send(`${path}${queryString(options.query)}`, init)
  }

  /** Through Prism, judged, unless Prism cannot carry the request: then straight to the API. */
  const send = async (pathAndQuery: string, init: RequestInit & { method: string }) => {
    const headers = init.headers as Record<string, string>
    const unjudged = prism && unjudgeable(pathAndQuery, headers, init.body as string | undefined)
    if (unjudged) prism.warnings.push(`${init.method} ${pathAndQuery}: not judged: ${unjudged}`)
    const url = `${unjudged ? apiUrl : baseUrl}${pathAndQuery}`

    const response = await fetch(url, init).catch((e) => Promise.reject(prism?.explain(e) ?? e))
    const answer = await answerOf(response)
    if (!unjudged) prism?.judge({ method: init.method, path: pathAndQuery, ...answer })
    return answer
  }

  const judgedFetch = async (input: Request) => {
    refuseWrite(input.method, new URL(input.url).pathname)
    const request = new Request(input)
    for (const [name, value] of Object.entries(auth))
      if (!request.headers.has(name)) request.headers.set(name, value)
    const response = await fetch(request).catch((e) => Promise.reject(prism?.explain(e) ?? e))
    const { pathname, search } = new URL(request.url)
    const { status, headers } = response
    const text = await response.clone().text()
    prism?.judge({ method: request.method, path: pathname + search, status, headers, text })
    return response
  }

  return {
    baseUrl,
    isMock: server !== undefined,
    prefix,
    request,
    fetch: judgedFetch,
    async create(fields) {
      if (READ_ONLY) throw new Error('read-only run (CONTRACT_READ_ONLY): target.create refused')
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
    async close() {
      await prism?.close()
      if (prism?.warnings.length) console.log(warningSummary(prism.warnings))
      await server?.close()
    },
  }
}

/** In a read-only run, a write request must never leave the machine. */
function refuseWrite(method: string, path: string): void {
  if (READ_ONLY && WRITE_METHODS.has(method.toUpperCase()))
    throw new Error(`read-only run (CONTRACT_READ_ONLY): ${method} ${path} refused`)
}

/** Prism's warnings (undeclared statuses, routes the spec lacks), counted, one line each. */
function warningSummary(warnings: string[]): string {
  const counts = new Map<string, number>()
  for (const warning of warnings) {
    const message = warning.replace(/^.*?: /, '')
    counts.set(message, (counts.get(message) ?? 0) + 1)
  }
  const lines = [...counts].map(([message, count]) => `  ${count} × ${message}`)
  return `Prism warnings (not failures):\n${lines.join('\n')}`
}

function credentials(viaPrism: boolean): Record<string, string> {
  const user = process.env.CONTRACT_PUBLIC_KEY
  const password = process.env.CONTRACT_PRIVATE_KEY
  if (!user || !password) return viaPrism ? { authorization: PLACEHOLDER_AUTH } : {}

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
