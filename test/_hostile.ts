// Hostile requests for test/hostile.test.ts: what they are made of (keys, values, ids), the
// fast-check arbitraries that mix them, and how one becomes the bytes sent. A parameter is a
// key path and a value, rendered the same way in a query string, a form body or a JSON body,
// so that every input reaches the server by every carrier.
import fc from 'fast-check'

import type { Sent } from './_client.ts'
import { API } from './_client.ts'

export type OperationName = 'list' | 'new' | 'create' | 'show' | 'update' | 'patch' | 'destroy'
export type Carrier = 'query' | 'json' | 'form'

export interface OperationInfo {
  method: string
  operationId: string
  /** The status of a success. */
  status: number
  hasId: boolean
}

export const OPERATIONS: Record<OperationName, OperationInfo> = {
  list: { method: 'GET', operationId: 'listOauthConnections', status: 200, hasId: false },
  new: { method: 'GET', operationId: 'newOauthConnection', status: 200, hasId: false },
  create: { method: 'POST', operationId: 'createOauthConnection', status: 201, hasId: false },
  show: { method: 'GET', operationId: 'showOauthConnection', status: 200, hasId: true },
  update: { method: 'PUT', operationId: 'updateOauthConnection', status: 200, hasId: true },
  patch: { method: 'PATCH', operationId: 'patchOauthConnection', status: 200, hasId: true },
  destroy: { method: 'DELETE', operationId: 'destroyOauthConnection', status: 200, hasId: true },
}

const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[]
const CARRIERS: Carrier[] = ['query', 'json', 'form']

/** A value as each carrier writes it: percent-encoded text, and JSON text. */
export interface Atom {
  query: string
  json: string
}

/** A key path (`['oauth_connection', '__proto__', 'x']`; '' is `[]`) and its value. */
export interface Param {
  path: string[]
  atom: Atom
}

export interface Hostile {
  operation: OperationName
  carrier: Carrier
  /** The raw path segment of show, update and destroy. */
  id: string
  params: Param[]
  /** A body written as it is, instead of the parameters (json and form only). */
  body?: string
}

export const text = (value: string): Atom => ({
  query: encodeURIComponent(value),
  json: JSON.stringify(value),
})
const raw = (query: string, json: string): Atom => ({ query, json })

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype']
/** Names every object inherits: a lookup in a plain object finds them. */
export const INHERITED_NAMES = ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']

const BIG_INTEGER = `1${'0'.repeat(400)}`

export const NUMBER_ATOMS: Atom[] = [
  raw('1e309', '1e309'),
  raw('-1e309', '-1e309'),
  raw('-0', '-0'),
  raw('NaN', '"NaN"'),
  raw('Infinity', '"-Infinity"'),
  raw('9007199254740993', '9007199254740993'),
  raw('-9007199254740993', '-9007199254740993'),
  raw(BIG_INTEGER, BIG_INTEGER),
  raw('1e-400', '1e-400'),
  text('1e309'),
  text('-0'),
  text('9007199254740993'),
  raw('0', '0'),
  raw('-1', '-1'),
  raw('1.5', '1.5'),
  raw('0x10', '"0x10"'),
  raw('1_000', '"1_000"'),
  raw('+1', '"+1"'),
]

/** NUL and invalid UTF-8, as percent escapes and as their JSON counterparts. */
export const ESCAPE_ATOMS: Atom[] = [
  raw('%00', '"\\u0000"'),
  raw('a%00b', '"a\\u0000b"'),
  raw('%E0%A4%A', '"\\ud800"'),
  raw('%FF', '"\\udfff"'),
  raw('%', '"\\ud800\\u0000"'),
  raw('%%', '"%%"'),
  raw('%G0', '"%G0"'),
  raw('%C0%80', '"\\u0000\\u0000"'),
  raw('%ED%A0%80', '"\\udc00x"'),
  raw('%F4%90%80%80', '"\\ud800\\ud800"'),
  raw('%E0%A4%A%00%FF', '"%E0%A4%A%00%FF"'),
]

/** Every character that means something in a regular expression, alone and together. */
export const REGEX_METACHARACTERS = [...'.*+?^${}()|[]\\/-']
export const REGEX_ATOMS: Atom[] = [
  ...REGEX_METACHARACTERS.map(text),
  text(REGEX_METACHARACTERS.join('')),
  text('.*'),
  text('(a+)+$'),
  text('[^a]'),
  text('\\'),
  text('$&'),
  text('(?<x>a)\\k<x>'),
  text('a{1,99999}'),
  text('(?=a)'),
]

export const WORD_ATOMS: Atom[] = [
  text(''),
  text(' '),
  text('true'),
  text('null'),
  text('[]'),
  text('{}'),
  text('[1,2]'),
  text('1,2,3'),
  text('id,name'),
  text('client_secret'),
  text('UTC'),
  text('2016-02-30'),
  text('2024-03-29 04:34:43 +0000'),
  text('9999-12-31 23:59:59 -1400'),
  text('0000-01-01T00:00:00Z'),
  ...[...PROTO_KEYS, ...INHERITED_NAMES].map(text),
  raw('1', 'true'),
  raw('x', '[]'),
  raw('x', '{}'),
  raw('x', 'null'),
  raw('x', '[1,[2,[3]]]'),
]

export const ID_SEGMENTS = [
  '0',
  '-1',
  '-0',
  '+1',
  '1.0',
  '1e3',
  '0x1',
  '9007199254740993',
  BIG_INTEGER,
  'abc',
  'new',
  '%20',
  '%00',
  '%FF',
  '%E0%A4%A',
  '1%00',
  ...PROTO_KEYS,
  ...INHERITED_NAMES,
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
]

// --- arbitraries

export const operationArb = fc.constantFrom(...OPERATION_NAMES)
export const carrierArb = fc.constantFrom(...CARRIERS)

export interface Pools {
  /** Ids and upper-case uuids of the records the server starts with. */
  ids: string[]
}

export function idArb(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...pools.ids), fc.constantFrom(...ID_SEGMENTS))
}

/** A key path of up to `depth` segments after its first, each drawn from `segments`. */
export function pathArb(
  first: fc.Arbitrary<string>,
  segments: fc.Arbitrary<string>,
  depth: number,
): fc.Arbitrary<string[]> {
  return fc
    .tuple(first, fc.array(segments, { maxLength: depth }))
    .map(([head, rest]) => [head, ...rest])
}

export function paramArb(
  paths: fc.Arbitrary<string[]>,
  atoms: fc.Arbitrary<Atom>,
): fc.Arbitrary<Param> {
  return fc.record({ path: paths, atom: atoms })
}

export function hostileArb(
  pools: Pools,
  params: fc.Arbitrary<Param[]>,
  operations: fc.Arbitrary<OperationName> = operationArb,
): fc.Arbitrary<Hostile> {
  return fc.record({ operation: operations, carrier: carrierArb, id: idArb(pools), params })
}

/** The atoms every property may draw on, beside its own. */
export function anyAtomArb(pools: Pools): fc.Arbitrary<Atom> {
  return fc.oneof(
    fc.constantFrom(...NUMBER_ATOMS),
    fc.constantFrom(...ESCAPE_ATOMS),
    fc.constantFrom(...REGEX_ATOMS),
    fc.constantFrom(...WORD_ATOMS),
    fc.constantFrom(...pools.ids.map(text)),
  )
}

// --- rendering

/** The request a hostile input stands for, every byte decided. */
export function render(hostile: Hostile): Sent {
  const info = OPERATIONS[hostile.operation]
  const path = info.hasId
    ? `${API}/${hostile.id}`
    : hostile.operation === 'new'
      ? `${API}/new`
      : API

  if (hostile.carrier === 'query') {
    const query = hostile.params.map(queryPair).join('&')
    return { method: info.method, path: query ? `${path}?${query}` : path }
  }
  if (hostile.carrier === 'form') {
    return {
      method: info.method,
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: hostile.body ?? hostile.params.map(queryPair).join('&'),
    }
  }
  return {
    method: info.method,
    path,
    headers: { 'content-type': 'application/json' },
    body: hostile.body ?? jsonObject(hostile.params),
  }
}

export function queryPair(param: Param): string {
  const [head, ...rest] = param.path
  return `${head}${rest.map((segment) => `[${segment}]`).join('')}=${param.atom.query}`
}

/**
 * One JSON object with an entry per parameter, duplicates kept (JSON allows them; the last
 * wins), each key path nested as objects, a '' segment as an array. Built as text, so that
 * `__proto__` stays a key and 1e309 stays 1e309.
 */
export function jsonObject(params: Param[]): string {
  const entries = params.map((param) => {
    const [head, ...rest] = param.path
    return `${JSON.stringify(head)}:${nested(rest, param.atom.json)}`
  })
  return `{${entries.join(',')}}`
}

/** Iterative, since a path may be 10,000 segments deep. */
function nested(segments: string[], value: string): string {
  const opens: string[] = []
  const closes: string[] = []

  for (const segment of segments) {
    opens.push(segment === '' ? '[' : `{${JSON.stringify(segment)}:`)
    closes.push(segment === '' ? ']' : '}')
  }
  return opens.join('') + value + closes.reverse().join('')
}

/** A short account of a request, for a failure message. */
export function describeSent(sent: Sent): string {
  const body = sent.body === undefined ? '' : ` body(${String(sent.body.length)} bytes): `
  const bodyText = sent.body === undefined ? '' : abbreviate(String(sent.body))
  const headers = JSON.stringify(sent.headers ?? {})
  return `${sent.method} ${abbreviate(sent.path)} ${headers}${body}${bodyText}`
}

export function abbreviate(value: string, length = 300): string {
  return value.length <= length ? value : `${value.slice(0, length)}…(${value.length} chars)`
}
