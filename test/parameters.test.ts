import test from 'ava'

import { InvalidParametersError } from '../src/errors.ts'
import {
  knownQueryNames,
  parseQuery,
  readPathParameters,
  readQueryParameters,
  rejectUnknown,
  unknownNames,
} from '../src/http/parameters.ts'
import { loadSpec } from '../src/spec/spec.ts'

const operations = loadSpec().operations

function operation(operationId: string) {
  const found = operations.find((candidate) => candidate.operationId === operationId)
  if (!found) throw new Error(`no operation ${operationId}`)
  return found
}

const list = operation('listOauthConnections')

function readList(queryString: string) {
  return readQueryParameters(list, parseQuery(queryString))
}

/** The names the list's check reports, sorted. */
function reported(values: Record<string, unknown>): string[] {
  return list
    .checkQuery(values)
    .map((problem) => problem.parameter)
    .sort()
}

const readsIds = test.macro({
  exec(t, queryString: string) {
    const values = readList(queryString)

    t.deepEqual(values, { ids: [1, 2] })
    t.deepEqual(reported(values), [])
  },
  title: (_provided, queryString: string) =>
    `readQueryParameters reads ${queryString} as the ids [1, 2]`,
})

for (const queryString of [
  'ids[]=1&ids[]=2',
  'ids=1&ids=2',
  'ids=1,2',
  'ids=[1,2]',
  'ids=%5B1%2C2%5D',
  'ids=%5B1,%202%5D',
  'ids[0]=1&ids[1]=2',
]) {
  test(readsIds, queryString)
}

for (const queryString of ['page=0x10', 'page=1.5', 'page=abc', 'page=1e1']) {
  test(`readQueryParameters keeps ${queryString} as text, so the check reports page`, (t) => {
    const raw = decodeURIComponent(queryString.slice('page='.length))

    const values = readList(queryString)

    t.deepEqual(values, { page: raw })
    t.deepEqual(reported(values), ['page'])
  })
}

test('readQueryParameters turns decimal integer text into numbers', (t) => {
  const values = readList('page=007&per_page=%2B10')

  t.deepEqual(values, { page: 7, per_page: 10 })
})

for (const name of ['page', 'per_page', 'ids', 'columns', 'root']) {
  test(`readQueryParameters treats a blank ${name}= as not given`, (t) => {
    const values = readList(`${name}=`)

    const isGiven = Object.hasOwn(values, name)
    const problems = reported(values)

    t.false(isGiven)
    t.deepEqual(problems, [])
  })
}

test('readQueryParameters fills in no value for a blank page, so the default 1 applies', (t) => {
  const values = readList('page=&per_page=')

  const problems = list.checkQuery(values)

  t.deepEqual(problems, [])
  t.is(values.page, 1)
  t.is(values.per_page, 25)
})

test('readQueryParameters keeps the last value of a repeated single-valued parameter', (t) => {
  const values = readList('page=1&page=3&per_page=10&per_page=20&fulltext=a&fulltext=b')

  t.deepEqual(values, { page: 3, per_page: 20, fulltext: 'b' })
})

test('readQueryParameters drops blank members of a list', (t) => {
  const values = readList('ids=1,,2&ids[]=&columns=id,,name')

  t.deepEqual(values, { ids: [1, 2], columns: ['id', 'name'] })
})

test('readQueryParameters keeps text parameters as given and drops blank ones', (t) => {
  const values = readList('fulltext=&root=&created_at_from=2016-01-01%2012:25:15%20-0500')

  t.deepEqual(values, { created_at_from: '2016-01-01 12:25:15 -0500' })
})

test('readQueryParameters leaves out names the operation does not declare', (t) => {
  const values = readList('page=2&client_secret=s3cret&name=Salesforce')

  t.deepEqual(values, { page: 2 })
})

for (const queryString of [
  '__proto__[polluted]=yes&page=2',
  '__proto__.polluted=yes&page=2',
  'constructor[prototype][polluted]=yes&page=2',
  'ids[__proto__][polluted]=yes&page=2',
  '__proto__=polluted&page=2',
]) {
  test(`parseQuery and readQueryParameters leave Object.prototype alone: ${queryString}`, (t) => {
    const parsed = parseQuery(queryString)
    const values = readQueryParameters(list, parsed)

    t.is(({} as Record<string, unknown>).polluted, undefined)
    t.false(Object.hasOwn(Object.prototype, 'polluted'))
    t.is(values.page, 2)
    t.false('polluted' in values)
  })
}

test('operation.checkQuery reports each bad list parameter by name', (t) => {
  const values = readList(
    'page=0&per_page=5000&ids=1,x&root=maybe&columns=id,nope&created_at_from=yesterday' +
      '&created_at_to=2016-01-01%2012:25:15%20-0500&fulltext=crm&time_zone=UTC',
  )

  const problems = reported(values)

  t.deepEqual(problems, ['columns', 'created_at_from', 'ids', 'page', 'per_page', 'root'])
})

test('operation.checkQuery says which member of a list is wrong', (t) => {
  const values = readList('ids[]=1&ids[]=abc')

  const [problem] = list.checkQuery(values)

  t.is(problem.parameter, 'ids')
  t.is(problem.in, 'query')
  t.regex(problem.message, /^item 1: /)
  t.regex(problem.message, /"abc"/)
})

test('unknownNames lists the query names the list operation does not know', (t) => {
  const query = parseQuery('page=1&client_secret=x&ids[]=1&foo[bar]=1&per_page=5')

  const names = unknownNames(query, knownQueryNames(list))

  t.deepEqual(names, ['client_secret', 'foo'])
})

test('unknownNames knows the record fields and their wrapper for create', (t) => {
  const query = parseQuery('name=x&client_secret=y&oauth_connection[name]=z&bogus=1')

  const names = unknownNames(query, knownQueryNames(operation('createOauthConnection')))

  t.deepEqual(names, ['bogus'])
})

test('rejectUnknown throws a 422 naming every unknown parameter', (t) => {
  const error = t.throws(() => rejectUnknown(['foo', 'bar'], 'query'), {
    instanceOf: InvalidParametersError,
  })

  t.is(error?.status, 422)
  t.deepEqual(
    error?.errors.map((problem) => [problem.parameter, problem.in]),
    [
      ['foo', 'query'],
      ['bar', 'query'],
    ],
  )
})

test('rejectUnknown accepts a request without unknown names', (t) => {
  t.notThrows(() => rejectUnknown([], 'query'))
})

test('readPathParameters keeps the id as text, for an integer id or a uuid', (t) => {
  const show = operation('showOauthConnection')

  const byId = readPathParameters(show, { id: '42' })
  const byUuid = readPathParameters(show, { id: '3F9C2B7E-8D41-4A6F-B2E5-91C7D0A4E6F3' })

  t.deepEqual(byId, { id: '42' })
  t.deepEqual(byUuid, { id: '3F9C2B7E-8D41-4A6F-B2E5-91C7D0A4E6F3' })
  t.deepEqual(show.checkPath(byId), [])
})
