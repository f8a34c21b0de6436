import { readFileSync } from 'node:fs'

import type { OpenAPIV3_1 } from 'openapi-types'
import { load } from 'js-yaml'
import { packageFile } from '../package-root.ts'

export type Document = OpenAPIV3_1.Document
export type SchemaObject = OpenAPIV3_1.SchemaObject

/** The openapi.yaml at the root of this package, the one the server serves by default. */
export const DEFAULT_SPEC_FILE = packageFile('openapi.yaml')

/** Reads an OpenAPI 3.1 document; a file that is not one stops the start with its name. */
export function readDocument(file: string = DEFAULT_SPEC_FILE): Document {
  const document = load(readFileSync(file, 'utf8')) as Partial<Document> | null

  if (!document?.openapi?.startsWith('3.1') || !document.paths) {
    throw new Error(`${file} is not an OpenAPI 3.1 document with paths: check its first lines`)
  }
  return document as Document
}

/**
 * Follows a local `$ref` ('#/components/...') to the object it names, through chains of
 * references. Anything else is returned as it is.
 */
export function resolve<T>(document: Document, value: T | OpenAPIV3_1.ReferenceObject): T {
  let current: unknown = value

  for (let hops = 0; isReference(current); hops++) {
    if (hops > 20) throw new Error(`$ref chain too long at ${current.$ref}`)
    current = followPointer(document, current.$ref)
  }
  return current as T
}

/** The component schema of that name; a missing one is a broken spec, so it throws. */
export function componentSchema(document: Document, name: string): SchemaObject {
  const schema = document.components?.schemas?.[name]

  if (!schema) throw new Error(`openapi.yaml has no components.schemas.${name}`)
  return resolve<SchemaObject>(document, schema)
}

function isReference(value: unknown): value is OpenAPIV3_1.ReferenceObject {
  return typeof value === 'object' && value !== null && '$ref' in value
}

function followPointer(document: Document, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`)

  let node: unknown = document
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node =
      typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined
    if (node === undefined) throw new Error(`openapi.yaml: $ref ${ref} names nothing`)
  }
  return node
}
