import { InvalidParametersError } from '../errors.ts'
import type { Store } from '../store/store.ts'
import type { DayEdge } from './times.ts'
import { parseTime, resolveZone } from './times.ts'
import type { ListQuery, Metadata, StoredRecord } from './types.ts'

export interface ListPage {
  records: StoredRecord[]
  metadata: Metadata
}

/**
 * One page of live records, newest first, that match every filter given: ids, an inclusive
 * created_at range read in `time_zone`, and `fulltext` (a case-insensitive substring).
 * Defaults (page 1, 25 per page, UTC) come from the spec and are already filled in.
 */
export function listPage(store: Store<StoredRecord>, query: ListQuery): ListPage {
  const page = query.page ?? 1
  const perPage = query.per_page ?? 25
  const zone = zoneOf(query.time_zone)
  const from = boundOf(query, 'created_at_from', zone, 'start')
  const to = boundOf(query, 'created_at_to', zone, 'end')
  const text = query.fulltext ? query.fulltext.toLowerCase() : undefined
  const offset = (page - 1) * perPage

  const { total, records } = query.ids
    ? pageOf(findByIds(store, query.ids, from, to, text), offset, perPage)
    : store.page(from, to, text, offset, perPage)

  return {
    records,
    metadata: {
      page,
      per_page: perPage,
      total_count: total,
      total_pages: Math.ceil(total / perPage),
    },
  }
}

/** Few ids are asked for at once: look each up, then keep those the other filters keep. */
function findByIds(
  store: Store<StoredRecord>,
  ids: number[],
  from: number | undefined,
  to: number | undefined,
  text: string | undefined,
): StoredRecord[] {
  const records = [...new Set(ids)]
    .map((id) => store.findById(id))
    .filter((record): record is StoredRecord => record !== undefined)
  return store.sort(records).filter((record) => store.matches(record, from, to, text))
}

function pageOf(records: StoredRecord[], offset: number, limit: number) {
  return { total: records.length, records: records.slice(offset, offset + limit) }
}

function zoneOf(name: string | undefined): string {
  const zone = resolveZone(name ?? 'UTC')
  if (zone) return zone

  throw new InvalidParametersError([
    {
      parameter: 'time_zone',
      in: 'query',
      message: 'Must be an IANA zone (America/New_York), a Rails zone name or UTC',
    },
  ])
}

function boundOf(
  query: ListQuery,
  parameter: 'created_at_from' | 'created_at_to',
  zone: string,
  edge: DayEdge,
): number | undefined {
  const text = query[parameter]
  if (text === undefined || text.trim() === '') return undefined

  const time = parseTime(text, zone, edge)
  if (time !== undefined) return time
  throw new InvalidParametersError([
    {
      parameter,
      in: 'query',
      message: `Must be a real date and time (got ${JSON.stringify(text)})`,
    },
  ])
}
