import type { RecordShape } from './shape.ts'
import type { ColumnName, Columns } from './types.ts'

/** Column choices remembered; any further ones are still answered, just more slowly. */
const MAX_TEMPLATES = 100
const templates = new Map<string, Readonly<Record<string, null>>>()

/**
 * The record as a response carries it: only the columns the spec lists (so never a
 * write-only field), and of those only the ones `columns` asked for.
 */
export function serialize(
  shape: RecordShape,
  record: Columns,
  columns: readonly ColumnName[] = shape.columns,
): Partial<Columns> {
  // Copying a template and assigning its keys keeps one object shape per column choice,
  // which V8 builds and JSON.stringify writes several times faster than keys added one by one.
  const answer: Record<string, unknown> = { ...templateOf(columns) }

  for (const column of columns) answer[column] = record[column]
  return answer as Partial<Columns>
}

function templateOf(columns: readonly ColumnName[]): Readonly<Record<string, null>> {
  const key = columns.join(',')
  let template = templates.get(key)

  if (!template) {
    const keys: Record<string, null> = {}
    for (const column of columns) keys[column] = null
    // The spread copy has fast properties; the object built key by key does not.
    template = Object.freeze({ ...keys })
    if (templates.size < MAX_TEMPLATES) templates.set(key, template)
  }
  return template
}
