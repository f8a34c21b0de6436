import test from 'ava'

import { API, call, startForTest } from './_mock.ts'

const BODY = '{"__proto__": {"polluted": "yes"}, "name": "Proto keys", "constructor": {"x": 1}}'

test('POST /oauth_connections drops a __proto__ key from a JSON body and creates the rest', async (t) => {
  const { url } = await startForTest(t)

  const answer = await call(url, 'POST', API, { raw: BODY, contentType: 'application/json' })

  t.is(answer.status, 201, answer.text)
  t.is(answer.body.oauth_connection.name, 'Proto keys')
  t.is(({} as Record<string, unknown>).polluted, undefined)
})

test('POST /oauth_connections with a __proto__ key and --strict names it as unknown', async (t) => {
  const { url } = await startForTest(t, { strict: true })

  const answer = await call(url, 'POST', API, { raw: BODY, contentType: 'application/json' })

  t.is(answer.status, 422, answer.text)
  t.deepEqual(
    answer.body.errors.map((problem: { parameter: string }) => problem.parameter),
    ['constructor'],
  )
})
