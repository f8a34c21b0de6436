import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import formatsPlugin from 'ajv-formats'

import type { ParameterLocation, ParameterProblem } from '../errors.ts'
import type { Document, SchemaObject } from './document.ts'

/** Validates one part of a request (or a record) and lists what is wrong; empty when valid. */
export type Check = (data: unknown) => ParameterProblem[]

const SPEC_ID = 'openapi.yaml'
const MAX_QUOTED_VALUE = 60

/**
 * One AJV instance per spec, holding the whole document so that every `$ref` of a schema
 * compiled from it resolves. Compile once at start; nothing compiles per request.
 */
export class Validators {
  readonly #ajv: Ajv2020
  readonly #writeOnly: ReadonlySet<string>
  readonly #compiled = new Map<string, Check>()

  constructor(document: Document, writeOnly: ReadonlySet<string>) {
    this.#ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, useDefaults: true })
    formatsPlugin.default(this.#ajv)
    this.#ajv.addSchema(
      { $id: SPEC_ID, components: document.components },
      SPEC_ID,
      undefined,
      false,
    )
    this.#writeOnly = writeOnly
  }

  /**
   * A check for a schema taken from the spec, whose `$ref`s point into the spec. Operations
   * share schemas (four take the same fields), so each distinct one is compiled once.
   */
  compile(schema: SchemaObject, location: ParameterLocation): Check {
    const key = `${location} ${JSON.stringify(schema)}`
    let check = this.#compiled.get(key)

    if (!check) {
      const validate = this.#ajv.compile(anchorRefs(schema) as object)
      check = (data) => (validate(data) ? [] : this.#describe(validate, location))
      this.#compiled.set(key, check)
    }
    return check
  }

  #describe(validate: ValidateFunction, location: ParameterLocation): ParameterProblem[] {
    const byParameter = new Map<string, ErrorObject>()

    for (const error of validate.errors ?? []) {
      const parameter = parameterOf(error)
      const kept = byParameter.get(parameter)
      if (!kept || isCombinator(kept)) byParameter.set(parameter, error)
    }
    return [...byParameter].map(([parameter, error]) => ({
      parameter,
      in: location,
      message: this.#message(parameter, error),
    }))
  }

  #message(parameter: string, error: ErrorObject): string {
    const where = itemOf(error)
    const rule = ruleOf(error)
    const quoted = this.#writeOnly.has(parameter) ? '' : quote(error.data)

    return `${where}${rule}${quoted}`
  }
}

/** The first segment of the error's path, or the missing property of a `required` error. */
function parameterOf(error: ErrorObject): string {
  if (error.keyword === 'required') return String(error.params.missingProperty)
  if (error.keyword === 'additionalProperties') {
    return [error.instancePath.slice(1), String(error.params.additionalProperty)]
      .filter(Boolean)
      .join('/')
  }

  const [first = ''] = error.instancePath.split('/').slice(1)
  return first.replace(/~1/g, '/').replace(/~0/g, '~') || '(body)'
}

function isCombinator(error: ErrorObject): boolean {
  return ['anyOf', 'oneOf', 'allOf', 'if'].includes(error.keyword)
}

function itemOf(error: ErrorObject): string {
  const rest = error.instancePath.split('/').slice(2)
  return rest.length > 0 ? `item ${rest.join('.')}: ` : ''
}

/**
 * The spec's own wording where it has one ("Must be a decimal number."), since a regular
 * expression in an error message helps nobody; AJV's message otherwise.
 */
function ruleOf(error: ErrorObject): string {
  const description = (error.parentSchema as SchemaObject | undefined)?.description
  const wordy = ['pattern', 'type', 'format', 'anyOf', 'oneOf'].includes(error.keyword)

  if (wordy && description?.startsWith('Must')) return description.replace(/\.$/, '')
  if (error.keyword === 'required') return 'is required'
  if (error.keyword === 'additionalProperties') return 'is not a property the spec declares'
  if (error.keyword === 'enum') {
    return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`
  }
  return error.message ?? 'is invalid'
}

function quote(value: unknown): string {
  if (value === undefined || (typeof value === 'object' && value !== null)) return ''

  const text = JSON.stringify(value) ?? String(value)
  const short = text.length > MAX_QUOTED_VALUE ? `${text.slice(0, MAX_QUOTED_VALUE)}…` : text
  return ` (got ${short})`
}

/** Rewrites local `$ref`s ('#/components/...') to point into the spec held by AJV. */
function anchorRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anchorRefs)
  if (typeof value !== 'object' || value === null) return value

  const copy: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    const isLocalRef = key === '$ref' && typeof inner === 'string' && inner.startsWith('#')
    copy[key] = isLocalRef ? SPEC_ID + inner : anchorRefs(inner)
  }
  return copy
}
