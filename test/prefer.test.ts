// The Prefer header: a declared status or a named example instead of the real answer, and a
// delay. Mock only.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'
import { load as parse } from 'js-yaml'

import { assertContract, type Answer } from '../contract-tests/_harness.ts'
import { API, call, startMock, type Mock } from './_mock.ts'

const SPEC_FILE = fileURLToPath(new URL('../openapi.yaml', import.meta.url))
const examples = (parse(readFileSync(SPEC_FILE, 'utf8')) as any).components.examples

let mock: Mock

test.before(async () => {
  mock = await startMock()
})

test.after.always(async () => {
  await mock?.server.close()
})

function prefer(value: string): { headers: Record<string, string> } {
  return { headers: { prefer: value } }
}

async function countNamed(name: string): Promise<number> {
  const answer = await call(mock.url, 'GET', `${API}?fulltext=${encodeURIComponent(name)}`)
  return answer.body.metadata.total_count
}

/** A 400 whose one problem is the Prefer header. */
function assertPreferRefused(t: ExecutionContext, operationId: string, answer: Answer): void {
  assertContract(t, operationId, answer, 400)
  t.like(answer.body, { status: 400, error: 'Bad Request' })
  t.regex(answer.body.message, /Prefer/)
  t.deepEqual(
    answer.body.errors.map((error: { parameter: string; in: string }) => [
      error.in,
      error.parameter,
    ]),
    [['header', 'Prefer']],
  )
}

test('GET show with Prefer code=404 answers 404 in the envelope', async (t) => {
  const answer = await call(mock.url, 'GET', `${API}/1`, prefer('code=404'))

  assertContract(t, 'showOauthConnection', answer, 404)
  t.like(answer.body, { status: 404, error: 'Not Found' })
  t.is(typeof answer.body.message, 'string')
})

test('DELETE with Prefer code=404 answers 404 and deletes nothing', async (t) => {
  const answer = await call(mock.url, 'DELETE', `${API}/3`, prefer('code=404'))

  assertContract(t, 'destroyOauthConnection', answer, 404)
  const after = await call(mock.url, 'GET', `${API}/3`)
  assertContract(t, 'showOauthConnection', after, 200)
  t.is(after.body.oauth_connection.id, 3)
})

test('POST create with Prefer code=422 answers 422 and stores nothing', async (t) => {
  const name = 'Prefer 422 never stored'

  const answer = await call(mock.url, 'POST', API, { json: { name }, ...prefer('code=422') })

  assertContract(t, 'createOauthConnection', answer, 422)
  t.like(answer.body, { status: 422, error: 'Unprocessable Entity' })
  t.is(await countNamed(name), 0)
})

test('POST create with Prefer code=201 still creates the record', async (t) => {
  const name = 'Prefer 201 stored'

  const answer = await call(mock.url, 'POST', API, { json: { name }, ...prefer('code=201') })

  assertContract(t, 'createOauthConnection', answer, 201)
  t.is(answer.body.oauth_connection.name, name)
  t.is(await countNamed(name), 1)
})

test('GET show with Prefer example=expired_token answers that example of the spec', async (t) => {
  const answer = await call(mock.url, 'GET', `${API}/5`, prefer('example=expired_token'))

  assertContract(t, 'showOauthConnection', answer, 200)
  t.deepEqual(answer.body, examples.ExpiredHubspot.value)
})

test('GET list with Prefer example=one_page answers that example of the spec', async (t) => {
  const answer = await call(mock.url, 'GET', `${API}?per_page=5`, prefer('example=one_page'))

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(answer.body, examples.OnePage.value)
})

test('GET show with Prefer example of an unknown name answers 400 naming Prefer', async (t) => {
  const answer = await call(mock.url, 'GET', `${API}/1`, prefer('example=no_such_example'))

  assertPreferRefused(t, 'showOauthConnection', answer)
  t.regex(answer.body.message, /no_such_example/)
})

test('GET show with Prefer code=418, not declared, answers 400 naming Prefer', async (t) => {
  const answer = await call(mock.url, 'GET', `${API}/1`, prefer('code=418'))

  assertPreferRefused(t, 'showOauthConnection', answer)
  t.regex(answer.body.message, /418/)
})

test('POST create with Prefer code=418 answers 400 and stores nothing', async (t) => {
  const name = 'Prefer 418 never stored'

  const answer = await call(mock.url, 'POST', API, { json: { name }, ...prefer('code=418') })

  assertPreferRefused(t, 'createOauthConnection', answer)
  t.is(await countNamed(name), 0)
})

test('GET list with Prefer delay=300 answers no sooner than 300 ms', async (t) => {
  const started = performance.now()

  const answer = await call(mock.url, 'GET', API, prefer('delay=300'))

  const elapsed = performance.now() - started
  assertContract(t, 'listOauthConnections', answer, 200)
  t.true(elapsed >= 280, `answered after ${Math.round(elapsed)} ms`)
})

for (const value of ['delay=abc', 'delay=999999', 'delay=-5']) {
  test(`GET list with Prefer ${value} answers 400 naming Prefer`, async (t) => {
    const answer = await call(mock.url, 'GET', API, prefer(value))

    assertPreferRefused(t, 'listOauthConnections', answer)
  })
}
