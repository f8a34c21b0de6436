import type { OpenAPIV3_1 } from 'openapi-types'

import {
  componentSchema,
  readDocument,
  resolve,
  type Document,
  type SchemaObject,
} from './document.ts'
import { readOperations, type Operation } from './operations.ts'
import { Validators, type Check } from './validators.ts'

/** Everything the server reads from openapi.yaml, read and compiled once at start. */
export interface Spec {
  document: Document
  operations: Operation[]
  /** Fields marked `writeOnly`: stored, never answered, never quoted in an error. */
  writeOnly: ReadonlySet<string>
  /** The properties of a component schema, `$ref`s followed. */
  properties(schemaName: string): Record<string, SchemaObject>
  /** A check against a component schema, compiled on first use and kept. */
  check(schemaName: string): Check
  /**
   * A check of a JSON response body against what the spec declares for that operation and
   * status; undefined when the spec declares no such response.
   */
  checkResponse(operationId: string, status: number): Check | undefined
}

export function loadSpec(file?: string): Spec {
  const document = readDocument(file)
  const writeOnly = findWriteOnly(document)
  const validators = new Validators(document, writeOnly)
  const checks = new Map<string, Check>()

  return {
    document,
    operations: readOperations(document, validators),
    writeOnly,
    properties: (schemaName) => propertiesOf(document, schemaName),
    check: (schemaName) =>
      remember(checks, schemaName, () =>
        validators.compile({ $ref: `#/components/schemas/${schemaName}` } as SchemaObject, 'body'),
      ),
    checkResponse(operationId, status) {
      const schema = responseSchema(document, operationId, status)
      if (!schema) return undefined
      return remember(checks, `${operationId} ${status}`, () => validators.compile(schema, 'body'))
    },
  }
}

function remember(checks: Map<string, Check>, key: string, compile: () => Check): Check {
  let check = checks.get(key)
  if (!check) {
    check = compile()
    checks.set(key, check)
  }
  return check
}

function responseSchema(document: Document, operationId: string, status: number) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      const candidate = operation as OpenAPIV3_1.OperationObject
      if (candidate?.operationId !== operationId) continue

      const declared = candidate.responses?.[String(status)]
      if (!declared) return undefined
      const response = resolve<OpenAPIV3_1.ResponseObject>(document, declared)
      return response.content?.['application/json']?.schema as SchemaObject | undefined
    }
  }
  throw new Error(`openapi.yaml has no operation ${operationId}`)
}

function findWriteOnly(document: Document): Set<string> {
  const names = new Set<string>()

  for (const schema of Object.values(document.components?.schemas ?? {})) {
    const properties = resolve<SchemaObject>(document, schema).properties ?? {}
    for (const [name, property] of Object.entries(properties)) {
      if ((property as SchemaObject).writeOnly) names.add(name)
    }
  }
  return names
}

function propertiesOf(document: Document, schemaName: string): Record<string, SchemaObject> {
  const properties = componentSchema(document, schemaName).properties ?? {}

  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [
      name,
      resolve<SchemaObject>(document, schema),
    ]),
  )
}
