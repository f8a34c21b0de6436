import { parseBoolean } from '../oauth-connections/booleans.ts'
import type { OauthConnections } from '../oauth-connections/resource.ts'
import { serialize } from '../oauth-connections/serializer.ts'
import type { Fields, ListQuery } from '../oauth-connections/types.ts'
import { linkHeader } from './links.ts'

/** What a handler gets: the request's parameters, already checked against the spec. */
export interface OperationInput {
  /** The data this request works on: the default data or its session's. */
  resource: OauthConnections
  path: Record<string, string>
  query: Record<string, unknown>
  fields: Fields
  /** The request's own URL, for the paging links. */
  url: URL
  /** The names of the operation's query parameters: the only ones a link repeats. */
  queryNames: ReadonlySet<string>
}

export interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export type Handler = (input: OperationInput) => Answer

/** One handler per operationId of the spec; a spec operation without one stops the start. */
export function createHandlers(recordPath: (id: number) => string): Record<string, Handler> {
  const update: Handler = ({ resource, path, fields }) => ({
    status: 200,
    body: one(resource, resource.update(path.id, fields)),
  })

  return {
    listOauthConnections: (input) => list(input.resource, input),
    newOauthConnection: ({ resource, fields }) => ({
      status: 200,
      body: one(resource, resource.build(fields)),
    }),
    createOauthConnection: ({ resource, fields }) => {
      const record = resource.create(fields)
      const headers = { Location: recordPath(record.id) }
      return { status: 201, body: one(resource, record), headers }
    },
    showOauthConnection: ({ resource, path }) => ({
      status: 200,
      body: one(resource, resource.show(path.id)),
    }),
    updateOauthConnection: update,
    patchOauthConnection: update,
    destroyOauthConnection: ({ resource, path }) => ({
      status: 200,
      body: one(resource, resource.destroy(path.id)),
    }),
  }
}

function one(resource: OauthConnections, record: Parameters<typeof serialize>[1]) {
  return { oauth_connection: serialize(resource.shape, record) }
}

/** With `root=false` a bare array; the paging rides in headers either way. */
function list(resource: OauthConnections, input: OperationInput): Answer {
  const query = input.query as ListQuery
  const page = resource.list(query)
  const records = page.records.map((record) => serialize(resource.shape, record, query.columns))
  const hasRoot = query.root === undefined || parseBoolean(query.root)

  return {
    status: 200,
    body: hasRoot ? { oauth_connections: records, metadata: page.metadata } : records,
    headers: {
      'X-Total-Count': String(page.metadata.total_count),
      Link: linkHeader(input.url, page.metadata, input.queryNames),
    },
  }
}
