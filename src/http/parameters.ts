import { parse as parseQueryString, type IParseOptions } from 'qs'

import { InvalidParametersError, type ParameterProblem } from '../errors.ts'
import type { SchemaObject } from '../spec/document.ts'
import type { Operation, Parameter } from '../spec/operations.ts'

export type Values = Record<string, unknown>

/**
 * How query strings and form bodies are read, as Rails reads them: `a[]=1&a[]=2` and
 * `a=1&a=2` are arrays, `w[name]=x` is a nested object. Null-prototype objects, so that a key
 * named `__proto__` is only ever a key.
 */
export const QS_OPTIONS: IParseOptions = {
  plainObjects: true,
  depth: 5,
  arrayLimit: 1000,
  parameterLimit: 1000,
}

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

export function parseQuery(queryString: string): Values {
  return parseQueryString(queryString, QS_OPTIONS) as Values
}

/**
 * The operation's declared query parameters, each turned into the type its schema names the
 * way a query string can carry it. Only exact decimal text becomes a number: `0x10`, `1.5`
 * and `abc` stay text, so that the spec's check reports them.
 */
export function readQueryParameters(operation: Operation, query: Values): Values {
  const values: Values = {}

  for (const parameter of operation.queryParameters) {
    if (!Object.hasOwn(query, parameter.name)) continue

    const value = typed(parameter.schema, query[parameter.name])
    if (value !== undefined) values[parameter.name] = value
  }
  return values
}

export function readPathParameters(operation: Operation, params: Record<string, string>): Values {
  const values: Values = {}

  for (const parameter of operation.pathParameters) {
    values[parameter.name] = typed(parameter.schema, params[parameter.name])
  }
  return values
}

/** Names in `values` that the operation does not know, for `--strict`. */
export function unknownNames(values: Values, known: ReadonlySet<string>): string[] {
  return Object.keys(values).filter((name) => !known.has(name))
}

export function rejectUnknown(names: string[], location: ParameterProblem['in']): void {
  if (names.length === 0) return

  throw new InvalidParametersError(
    names.map((name) => ({
      parameter: name,
      in: location,
      message: 'is not a parameter of this operation (the server runs with --strict)',
    })),
  )
}

export function knownQueryNames(operation: Operation): Set<string> {
  const names = operation.queryParameters.map((parameter) => parameter.name)
  return new Set([...names, ...fieldNames(operation.fieldsParameter)])
}

export function fieldNames(parameter: Parameter | undefined): string[] {
  if (!parameter) return []
  return [parameter.name, ...Object.keys(parameter.schema.properties ?? {})]
}

function typed(schema: SchemaObject, raw: unknown): unknown {
  if (schema.type === 'array') {
    const items = listOf(raw).map((item) => scalar(itemsOf(schema), item))
    return items.length > 0 ? items : undefined
  }
  return scalar(schema, Array.isArray(raw) ? raw.at(-1) : raw)
}

/**
 * A blank value counts as not given, as Rails' `presence` does. An integer beyond 2^53 stays
 * text, since as a number it would silently become another integer.
 */
function scalar(schema: SchemaObject, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw
  if (raw.trim() === '') return undefined

  const types = ([] as unknown[]).concat(schema.type)
  if (types.includes('string')) return raw
  if (types.includes('integer') && INTEGER.test(raw) && Number.isSafeInteger(Number(raw))) {
    return Number(raw)
  }
  if (types.includes('number') && DECIMAL.test(raw)) return Number(raw)
  return raw
}

/**
 * Every way a list arrives: repeated keys, `name[]`, `1,2` and `[1,2]`; qs turns indexed keys
 * (`ids[0]=1`) into an object, whose values are the list. Blank members are dropped.
 */
function listOf(raw: unknown): unknown[] {
  const values = Array.isArray(raw) ? raw : isObject(raw) ? Object.values(raw) : [raw]

  return values.flatMap((value) => {
    if (typeof value !== 'string') return [value]
    const inner = value.trim().replace(/^\[(.*)\]$/s, '$1')
    return inner
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  })
}

function itemsOf(schema: SchemaObject): SchemaObject {
  return 'items' in schema && schema.items ? (schema.items as SchemaObject) : {}
}

function isObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
