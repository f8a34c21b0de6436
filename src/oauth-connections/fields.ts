import { InvalidParametersError, type ParameterProblem } from '../errors.ts'
import type { RecordShape } from './shape.ts'
import { formatTime, parseTime } from './times.ts'
import type { FieldName, Fields } from './types.ts'

export type CastFields = Partial<Record<FieldName, string | number | null>>

const BLANK = /^\s*$/

/**
 * Casts fields that passed the spec's checks into stored values: text stays as given (`""`
 * stays `""`), a blank decimal or time becomes null, decimals become numbers and times
 * ISO 8601. Only the spec's fields are read, so unknown keys never reach a record. What the
 * spec's patterns cannot see (`2024-02-30`, `1e999`) is rejected here, all at once.
 */
export function castFields(shape: RecordShape, given: Fields): CastFields {
  const cast: CastFields = {}
  const problems: ParameterProblem[] = []

  for (const [name, kind] of shape.fields) {
    if (!Object.hasOwn(given, name)) continue

    const value = given[name]
    if (value === null || value === undefined || kind === 'text') {
      cast[name] = value ?? null
    } else if (typeof value === 'string' && BLANK.test(value)) {
      cast[name] = null
    } else if (kind === 'decimal') {
      const number = Number(value)
      if (Number.isFinite(number)) cast[name] = number
      else
        problems.push({ parameter: name, in: 'body', message: 'Must be a finite decimal number' })
    } else {
      const time = parseTime(String(value), 'UTC')
      if (time !== undefined) cast[name] = formatTime(time)
      else problems.push({ parameter: name, in: 'body', message: 'Must be a real date and time' })
    }
  }

  if (problems.length > 0) throw new InvalidParametersError(problems)
  return cast
}
