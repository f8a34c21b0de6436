import type { components, operations } from '../generated/openapi.ts'

type Schemas = components['schemas']

/** Every column a response may carry; `columns` picks among these names. */
export type Columns = Required<Schemas['OauthConnectionColumns']>
export type ColumnName = keyof Columns

/** The writable fields, as a request gives them (before casting). */
export type Fields = Schemas['OauthConnectionParams']
export type FieldName = keyof Fields

/** Fields that are no column: the write-only ones, stored and never answered. */
export type Secrets = { [K in Exclude<FieldName, ColumnName>]: string | null }

/** A stored record: every column with the values a stored record has, and its secrets. */
export type StoredRecord = Columns &
  Secrets & {
    id: number
    uuid: string
    key: string
    created_at: string
    updated_at: string
  }

/** A record as `new` builds it: nothing is stored, so it has no id yet. */
export type DraftRecord = Columns & Secrets

export type ListQuery = NonNullable<operations['listOauthConnections']['parameters']['query']>

export interface Metadata {
  page: number
  per_page: number
  total_count: number
  total_pages: number
}
