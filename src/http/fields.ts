import { InvalidParametersError, type ParameterProblem } from '../errors.ts'
import type { Fields } from '../oauth-connections/types.ts'
import type { Operation, Parameter } from '../spec/operations.ts'
import { rejectUnknown, type Values } from './parameters.ts'

export interface GatheredFields {
  fields: Fields
  /** Field names that came in the body, so that a problem says where it was. */
  fromBody: Set<string>
}

/**
 * The record's fields from wherever they came, as the platform takes them: the query string,
 * then a form or JSON body on top, each flat or wrapped in the fields parameter's name
 * (`oauth_connection`). Only the spec's field names are copied; other keys are ignored, or
 * rejected with `strict`.
 */
export function gatherFields(
  operation: Operation,
  query: Values,
  body: Values | undefined,
  strict: boolean,
): GatheredFields {
  const parameter = operation.fieldsParameter as Parameter
  const names = Object.keys(parameter.schema.properties ?? {})
  const fromQuery = pickFields(parameter, names, query, 'query', false)
  const fromBody = body ? pickFields(parameter, names, body, 'body', strict) : {}

  return {
    fields: { ...fromQuery, ...fromBody } as Fields,
    fromBody: new Set(Object.keys(fromBody)),
  }
}

function pickFields(
  parameter: Parameter,
  names: string[],
  source: Values,
  location: ParameterProblem['in'],
  strict: boolean,
): Values {
  const wrapped = source[parameter.name]
  if (wrapped !== undefined && !isObject(wrapped)) {
    throw new InvalidParametersError([
      { parameter: parameter.name, in: location, message: 'must be an object of fields' },
    ])
  }

  if (strict) {
    const known = new Set([...names, parameter.name])
    rejectUnknown(
      Object.keys(source).filter((name) => !known.has(name)),
      location,
    )
    rejectUnknown(
      Object.keys(wrapped ?? {}).filter((name) => !known.has(name)),
      location,
    )
  }
  return { ...pick(source, names), ...pick(wrapped ?? {}, names) }
}

function pick(source: Values, names: string[]): Values {
  const picked: Values = {}

  for (const name of names) {
    if (Object.hasOwn(source, name)) picked[name] = source[name]
  }
  return picked
}

function isObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
