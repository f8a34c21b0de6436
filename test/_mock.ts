// An in-process mock for the tests of the server's extras (Prefer, chaos, admin, sessions, the
// state file): start one with options, send it requests, read its admin API's schemas.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'
import type { ExecutionContext } from 'ava'
import { load as parse } from 'js-yaml'

import { encodeBody } from '../contract-tests/_body.ts'
import type { Answer } from '../contract-tests/_harness.ts'
import { createMockServer, type MockConfig, type MockServer } from '../src/server.ts'

export const API = '/api/v1/oauth_connections'
export const ADMIN_SPEC_FILE = fileURLToPath(new URL('../admin.openapi.yaml', import.meta.url))
export const FIXTURES_FILE = fileURLToPath(
  new URL('../fixtures/oauth_connections.json', import.meta.url),
)
/** How many records the built-in fixtures hold. */
export const FIXTURE_COUNT = 14

export interface Mock {
  server: MockServer
  url: string
}

/** A mock on a free port, silent; the caller closes it (see `startForTest`). */
export async function startMock(config: Partial<MockConfig> = {}): Promise<Mock> {
  const server = createMockServer({ port: 0, logLevel: 'silent', ...config })
  return { server, url: await server.listen() }
}

/** A mock of this test's own, closed when the test ends. */
export async function startForTest(
  t: ExecutionContext,
  config: Partial<MockConfig> = {},
): Promise<Mock> {
  const mock = await startMock(config)
  t.teardown(() => mock.server.close())
  return mock
}

export interface Send {
  json?: unknown
  form?: Record<string, string>
  /** Sent as it is, with `contentType`. */
  raw?: string
  contentType?: string
  headers?: Record<string, string>
  session?: string
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: Send = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.session !== undefined) headers['x-mock-session'] = options.session
  const { body, contentType } = encodeBody(options)
  if (contentType) headers['content-type'] = contentType
  else if (body !== undefined) headers['content-type'] = options.contentType ?? 'text/plain'

  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(20_000),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON: assertions on the body show the text.
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}

/** Creates a record and answers it; fails the test unless the create answers 201. */
export async function createRecord(
  t: ExecutionContext,
  baseUrl: string,
  fields: Record<string, unknown>,
  session?: string,
): Promise<any> {
  const answer = await call(baseUrl, 'POST', API, { json: fields, session })
  t.is(answer.status, 201, answer.text)
  return answer.body.oauth_connection
}

/** The ids of every live record, newest first, through the list. */
export async function listedIds(baseUrl: string, session?: string): Promise<number[]> {
  const answer = await call(baseUrl, 'GET', `${API}?per_page=1000&columns=id`, { session })
  if (answer.status !== 200) throw new Error(`list answered ${answer.status}: ${answer.text}`)
  return answer.body.oauth_connections.map((record: { id: number }) => record.id)
}

/** Asserts the one error envelope every 4xx and 5xx answer has. */
export function assertEnvelope(t: ExecutionContext, answer: Answer, status: number): void {
  t.is(answer.status, status, answer.text.slice(0, 500))
  t.is(answer.headers.get('content-type')?.split(';')[0], 'application/json')
  t.is(answer.body.status, status)
  t.is(typeof answer.body.error, 'string')
  t.is(typeof answer.body.message, 'string')
}

const adminSpec = parse(readFileSync(ADMIN_SPEC_FILE, 'utf8')) as Record<string, unknown>
const adminAjv = new Ajv2020({ allErrors: true, strict: false })
formatsPlugin.default(adminAjv)
const ADMIN_SPEC_ID = 'admin.openapi.yaml'
adminAjv.addSchema({ ...adminSpec, $id: ADMIN_SPEC_ID })

/**
 * Asserts the status, and the body against the schema admin.openapi.yaml declares for that
 * route (`POST /__admin/reset`) and status.
 */
export function assertAdmin(
  t: ExecutionContext,
  route: string,
  answer: Answer,
  expectedStatus: number,
): void {
  const [method, path] = route.split(' ')
  t.is(answer.status, expectedStatus, `status of ${route}: ${answer.text.slice(0, 500)}`)

  const parts = ['paths', path, method.toLowerCase(), 'responses', String(answer.status)]
  const pointer = [...parts, 'content', 'application/json', 'schema']
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/')
  let validate: ValidateFunction | undefined
  try {
    validate = adminAjv.getSchema(`${ADMIN_SPEC_ID}#/${pointer}`)
  } catch {
    // An unresolvable pointer: the route or the status is not declared.
  }
  if (!validate) {
    t.fail(`admin.openapi.yaml declares no JSON ${answer.status} response for ${route}`)
    return
  }
  t.true(validate(answer.body), `body of ${route}: ${adminAjv.errorsText(validate.errors)}`)
}
