import type { OpenAPIV3_1 } from 'openapi-types'

import { resolve, type Document, type SchemaObject } from './document.ts'
import type { Check, Validators } from './validators.ts'

export type Parameter = Omit<OpenAPIV3_1.ParameterObject, 'schema'> & { schema: SchemaObject }

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** One operation of the spec, with its request checks compiled. */
export interface Operation {
  operationId: string
  method: string
  /** As the spec writes it: /api/v1/oauth_connections/{id} */
  path: string
  pathParameters: Parameter[]
  queryParameters: Parameter[]
  /**
   * A query parameter whose schema is an object exploded into one query key per property:
   * the record's fields. Its name also wraps a body (`{"oauth_connection": {...}}`).
   */
  fieldsParameter?: Parameter
  /** Every status the spec declares, with the named examples of its JSON body. */
  responses: Map<number, Record<string, unknown>>
  /** Media types the request body may have; empty when the operation takes no body. */
  bodyTypes: string[]
  checkPath: Check
  checkQuery: Check
  /** Checks the fields gathered from the query and the body together. */
  checkFields?: Check
}

/** Every operation of the document, with static paths before templated ones. */
export function readOperations(document: Document, validators: Validators): Operation[] {
  const operations: Operation[] = []

  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!item) continue
    for (const method of METHODS) {
      const operation = item[method]
      if (operation) operations.push(buildOperation(document, validators, path, method, item))
    }
  }
  return operations.sort((a, b) => templateCount(a.path) - templateCount(b.path))
}

function buildOperation(
  document: Document,
  validators: Validators,
  path: string,
  method: (typeof METHODS)[number],
  item: OpenAPIV3_1.PathItemObject,
): Operation {
  const operation = item[method] as OpenAPIV3_1.OperationObject
  if (!operation.operationId) throw new Error(`openapi.yaml: ${method} ${path} has no operationId`)

  const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(
    (parameter) => resolveParameter(document, parameter),
  )
  const pathParameters = parameters.filter((parameter) => parameter.in === 'path')
  const fieldsParameter = parameters.find(isFieldsParameter)
  const queryParameters = parameters.filter((p) => p.in === 'query' && p !== fieldsParameter)
  const body = operation.requestBody
    ? resolve<OpenAPIV3_1.RequestBodyObject>(document, operation.requestBody)
    : undefined

  return {
    operationId: operation.operationId,
    method: method.toUpperCase(),
    path,
    pathParameters,
    queryParameters,
    fieldsParameter,
    responses: readResponses(document, operation),
    bodyTypes: Object.keys(body?.content ?? {}),
    checkPath: validators.compile(objectOf(pathParameters), 'path'),
    checkQuery: validators.compile(objectOf(queryParameters), 'query'),
    checkFields: fieldsParameter && validators.compile(fieldsParameter.schema, 'body'),
  }
}

/** The parameter with its own `$ref` and its schema's top `$ref` followed. */
function resolveParameter(
  document: Document,
  parameter: OpenAPIV3_1.ParameterObject | OpenAPIV3_1.ReferenceObject,
): Parameter {
  const resolved = resolve<OpenAPIV3_1.ParameterObject>(document, parameter)
  return { ...resolved, schema: resolve<SchemaObject>(document, resolved.schema ?? {}) }
}

function isFieldsParameter(parameter: Parameter): boolean {
  const explode = parameter.explode ?? (parameter.style ?? 'form') === 'form'
  return parameter.in === 'query' && explode && parameter.schema.type === 'object'
}

function readResponses(
  document: Document,
  operation: OpenAPIV3_1.OperationObject,
): Map<number, Record<string, unknown>> {
  const responses = new Map<number, Record<string, unknown>>()

  for (const [status, declared] of Object.entries(operation.responses ?? {})) {
    const response = resolve<OpenAPIV3_1.ResponseObject>(document, declared)
    const examples = response.content?.['application/json']?.examples ?? {}
    const values = Object.entries(examples).map(([name, example]) => [
      name,
      resolve<OpenAPIV3_1.ExampleObject>(document, example).value,
    ])
    responses.set(Number(status), Object.fromEntries(values))
  }
  return responses
}

/** One object schema for a list of parameters, so that AJV reports them all at once. */
function objectOf(parameters: Parameter[]): SchemaObject {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  }
}

function templateCount(path: string): number {
  return (path.match(/\{/g) ?? []).length
}
