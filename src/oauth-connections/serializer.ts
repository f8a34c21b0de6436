import type { RecordShape } from './shape.ts'
import type { ColumnName, Columns } from './types.ts'

/**
 * The record as a response carries it: only the columns the spec lists (so never a
 * write-only field), and of those only the ones `columns` asked for.
 */
export function serialize(
  shape: RecordShape,
  record: Columns,
  columns: readonly ColumnName[] = shape.columns,
): Partial<Columns> {
  const answer: Record<string, unknown> = {}

  for (const column of columns) answer[column] = record[column]
  return answer as Partial<Columns>
}
