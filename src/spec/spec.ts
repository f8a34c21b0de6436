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
    check(schemaName) {
      let check = checks.get(schemaName)
      if (!check) {
        check = validators.compile(
          { $ref: `#/components/schemas/${schemaName}` } as SchemaObject,
          'body',
        )
        checks.set(schemaName, check)
      }
      return check
    },
  }
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
