import { readFileSync } from 'node:fs'

import test from 'ava'
import { load as parse } from 'js-yaml'

import { DEFAULT_SPEC_FILE, type SchemaObject } from '../src/spec/document.ts'
import { loadSpec } from '../src/spec/spec.ts'

const spec = loadSpec()

/** Every operationId of openapi.yaml, read straight from the file. */
function operationIdsInFile(): string[] {
  const document = parse(readFileSync(DEFAULT_SPEC_FILE, 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string }>>
  }
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) =>
      typeof operation === 'object' && operation?.operationId ? [operation.operationId] : [],
    ),
  )
}

function listParameter(name: string) {
  const list = spec.operations.find((found) => found.operationId === 'listOauthConnections')!
  return list.queryParameters.find((parameter) => parameter.name === name)!
}

function storedRecord(): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  for (const name of Object.keys(spec.properties('OauthConnectionColumns'))) record[name] = null
  return {
    ...record,
    id: 3,
    type: 'OauthConnection',
    uuid: '5e8b0f23-c6a7-4d19-8e4b-2f7a93c1d6b8',
    key: 'hubspot-sales',
    name: 'HubSpot - Sales',
    created_at: '2025-09-02T16:47:12.000Z',
    updated_at: '2025-09-02T16:47:12.000Z',
    routes_show_path: '/oauth_connections/3',
    routes_edit_path: '/oauth_connections/3/edit',
  }
}

test('loadSpec loads every operationId of openapi.yaml, each once', (t) => {
  const inFile = operationIdsInFile()

  const loaded = spec.operations.map((operation) => operation.operationId)

  t.true(inFile.length > 0)
  t.deepEqual([...loaded].sort(), [...inFile].sort())
})

test('loadSpec puts the static /new path before the templated /{id} path', (t) => {
  const paths = spec.operations.map((operation) => operation.path)

  const newAt = paths.indexOf('/api/v1/oauth_connections/new')
  const showAt = paths.indexOf('/api/v1/oauth_connections/{id}')

  t.true(newAt >= 0 && newAt < showAt)
})

test('the columns parameter offers exactly the 26 properties of OauthConnectionColumns', (t) => {
  const columns = Object.keys(spec.properties('OauthConnectionColumns'))

  const offered = (listParameter('columns').schema as { items: SchemaObject }).items.enum ?? []

  t.is(columns.length, 26)
  t.is(offered.length, 26)
  t.deepEqual([...offered].sort(), [...columns].sort())
})

test('writeOnly is exactly client_secret and access_token, and neither is a column', (t) => {
  const columns = Object.keys(spec.properties('OauthConnectionColumns'))

  const writeOnly = [...spec.writeOnly].sort()

  t.deepEqual(writeOnly, ['access_token', 'client_secret'])
  t.false(columns.includes('client_secret'))
  t.false(columns.includes('access_token'))
})

test('spec.properties follows $refs to the schema of each field', (t) => {
  const fields = spec.properties('OauthConnectionParams')

  t.deepEqual(fields.expires_at.type, ['string', 'null'])
  t.is(typeof fields.expires_at.pattern, 'string')
  t.deepEqual(fields.webhook_read_timeout.type, ['number', 'string', 'null'])
})

test('spec.properties throws naming a schema the spec does not have', (t) => {
  t.throws(() => spec.properties('OauthConnectionWidget'), { message: /OauthConnectionWidget/ })
})

test('spec.check accepts a stored record and names each bad field', (t) => {
  const good = storedRecord()
  const bad = { ...good, id: 0, uuid: 'nope', created_at: 'today' }

  const goodProblems = spec.check('OauthConnection')(good)
  const badProblems = spec.check('OauthConnection')(bad)

  t.deepEqual(goodProblems, [])
  t.deepEqual(badProblems.map((problem) => problem.parameter).sort(), ['created_at', 'id', 'uuid'])
})

test('spec.check never quotes the value of a write-only field', (t) => {
  const check = spec.check('OauthConnectionParams')

  const problems = check({ client_secret: 987654321, access_token: ['s3cret-token'] })

  t.deepEqual(problems.map((problem) => problem.parameter).sort(), [
    'access_token',
    'client_secret',
  ])
  t.false(/987654321|s3cret-token/.test(JSON.stringify(problems)))
})

test('checkResponse returns undefined for a status the operation does not declare', (t) => {
  const undeclared = [
    spec.checkResponse('showOauthConnection', 201),
    spec.checkResponse('showOauthConnection', 500),
    spec.checkResponse('listOauthConnections', 404),
    spec.checkResponse('destroyOauthConnection', 204),
  ]

  t.deepEqual(undeclared, [undefined, undefined, undefined, undefined])
})

test('checkResponse checks a declared answer, and rejects one that carries a secret', (t) => {
  const check = spec.checkResponse('showOauthConnection', 200)!
  const record = storedRecord()

  const plain = check({ oauth_connection: record })
  const leaking = check({ oauth_connection: { ...record, client_secret: 'x' } })

  t.deepEqual(plain, [])
  t.true(leaking.length > 0)
})

test('checkResponse throws for an operationId the spec does not have', (t) => {
  t.throws(() => spec.checkResponse('listWidgets', 200), { message: /listWidgets/ })
})
