import { DateTime, IANAZone } from 'luxon'
import railsTimezone from 'rails-timezone'

/** Which instant a date without a time stands for: its first or its last millisecond. */
export type DayEdge = 'start' | 'end'

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const SPACE_BEFORE_TIME = /^(\d{4}-\d{2}-\d{2}) /
const SPACE_BEFORE_OFFSET = /\s+(Z|[+-]\d{2}(?::?\d{2})?)$/
const OFFSET = /[+-](\d{2}):?(\d{2})?$/
/** Real offsets run from -12:00 to +14:00; luxon would take +05:99 as 6 h 39 min. */
const MAX_OFFSET_HOURS = 14

/**
 * The IANA name of a zone given as an IANA name (`America/New_York`), a Rails name
 * (`Eastern Time (US & Canada)`) or `UTC`; undefined when it names no zone.
 */
export function resolveZone(name: string): string | undefined {
  const known = resolvedZones.get(name)
  if (known) return known

  const zone = lookUpZone(name)
  if (zone && resolvedZones.size < MAX_REMEMBERED_ZONES) resolvedZones.set(name, zone)
  return zone
}

// Checking a zone builds an Intl.DateTimeFormat, which costs more than the rest of a list
// request: valid names are remembered. There are fewer than a thousand of them.
const MAX_REMEMBERED_ZONES = 1000
const resolvedZones = new Map<string, string>()

function lookUpZone(name: string): string | undefined {
  if (IANAZone.isValidZone(name)) return name

  // The Rails table is a plain object: `constructor` would find Object, so check what came back.
  const iana: unknown = railsTimezone.from(name)
  return typeof iana === 'string' && IANAZone.isValidZone(iana) ? iana : undefined
}

/**
 * Milliseconds since the epoch for the platform's time formats: `2016-01-01 12:25:15 -0500`,
 * the same without the offset (read in `zone`), a date alone (the start or end of that day in
 * `zone`) and ISO 8601. Undefined when the text names no real instant (`2016-02-30`).
 */
export function parseTime(text: string, zone: string, edge: DayEdge = 'start'): number | undefined {
  const trimmed = text.trim()
  const iso = trimmed.replace(SPACE_BEFORE_TIME, '$1T').replace(SPACE_BEFORE_OFFSET, '$1')
  const time = DateTime.fromISO(iso, { zone })

  if (!time.isValid || !hasRealOffset(iso) || !isWritable(time)) return undefined
  if (DATE_ONLY.test(trimmed) && edge === 'end') return time.endOf('day').toMillis()
  return time.toMillis()
}

/** How responses write a time: ISO 8601 in UTC with milliseconds, as Rails renders JSON. */
export function formatTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString()
}

function hasRealOffset(iso: string): boolean {
  const match = OFFSET.exec(iso.slice(10))
  if (!match) return true

  return Number(match[1]) <= MAX_OFFSET_HOURS && Number(match[2] ?? 0) <= 59
}

/** ISO 8601 in responses has four-digit years: a time past 9999 UTC could not be written. */
function isWritable(time: DateTime): boolean {
  const year = time.toUTC().year
  return year >= 1 && year <= 9999
}
