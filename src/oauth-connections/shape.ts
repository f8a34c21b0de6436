import type { SchemaObject } from '../spec/document.ts'
import type { Spec } from '../spec/spec.ts'
import type { ColumnName, FieldName } from './types.ts'

/** How a field's value is cast: text as given, decimals to numbers, times to ISO 8601. */
export type FieldKind = 'text' | 'decimal' | 'time'

/** What the resource needs to know of a record, all of it read from the spec. */
export interface RecordShape {
  /** The response columns, in the spec's order. */
  columns: ColumnName[]
  /** Columns that hold times (format date-time). */
  timeColumns: ColumnName[]
  /** The writable fields and how each is cast. */
  fields: Map<FieldName, FieldKind>
  /** Fields `fulltext` looks in: the writable text columns. Never a write-only field. */
  searchable: FieldName[]
  /** The record's `type`, a constant in the spec. */
  type: string
}

export const COLUMNS_SCHEMA = 'OauthConnectionColumns'
export const FIELDS_SCHEMA = 'OauthConnectionParams'
export const STORED_SCHEMA = 'OauthConnection'

export function readRecordShape(spec: Spec): RecordShape {
  const columnSchemas = spec.properties(COLUMNS_SCHEMA)
  const fieldNames = Object.keys(spec.properties(FIELDS_SCHEMA)) as FieldName[]
  const fields = new Map(fieldNames.map((name) => [name, kindOf(columnSchemas[name])]))
  const searchable = fieldNames.filter(
    (name) => fields.get(name) === 'text' && !spec.writeOnly.has(name) && name in columnSchemas,
  )

  return {
    columns: Object.keys(columnSchemas) as ColumnName[],
    timeColumns: (Object.keys(columnSchemas) as ColumnName[]).filter(
      (name) => kindOf(columnSchemas[name]) === 'time',
    ),
    fields,
    searchable,
    type: String(columnSchemas.type?.const),
  }
}

/** A field that is no column (a write-only one) is text. */
function kindOf(column: SchemaObject | undefined): FieldKind {
  if (!column) return 'text'
  if (column.format === 'date-time') return 'time'

  const types = ([] as unknown[]).concat(column.type)
  return types.includes('number') ? 'decimal' : 'text'
}
