import { randomUUID } from 'node:crypto'

import { NotFoundError } from '../errors.ts'
import { Store } from '../store/store.ts'
import { castFields, type CastFields } from './fields.ts'
import { uniqueKey } from './key.ts'
import { listPage, type ListPage } from './list.ts'
import type { RecordShape } from './shape.ts'
import { formatTime } from './times.ts'
import type { DraftRecord, Fields, ListQuery, StoredRecord } from './types.ts'

export type Clock = () => number

/** A change to the stored records, as a state file writes it down. */
export type Change = { put: StoredRecord } | { delete: number } | { replaced: true }

const DECIMAL_ID = /^\d+$/
/** What formatTime writes; a time already in this form needs no parsing. */
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The OauthConnections resource: what each operation does to the store. It speaks in records
 * and typed errors, never in HTTP.
 */
export class OauthConnections {
  readonly shape: RecordShape
  readonly store: Store<StoredRecord>
  readonly #now: Clock
  /** Where the next key suffix search starts, per key base: see uniqueKey. */
  readonly #suffixes = new Map<string, number>()
  /** Called after each create, update and destroy, before the answer: see StateFile. */
  onChange: (change: Change) => void = () => {}
  /** Every column and field null, but the record's constant `type`: what records start from. */
  readonly #blank: DraftRecord

  constructor(shape: RecordShape, now: Clock = Date.now) {
    this.shape = shape
    this.store = new Store<StoredRecord>({ searchTextOf: (record) => this.#searchTextOf(record) })
    this.#now = now
    // Built key by key, the blank record is a slow dictionary object in V8; a spread copy of it
    // has fast properties, and so has every record copied from it (ten times faster).
    this.#blank = Object.freeze({ ...blankRecord(shape) })
  }

  list(query: ListQuery): ListPage {
    return listPage(this.store, query)
  }

  /** A fresh copy of the blank record: every column and field null but `type`. */
  draft(): DraftRecord {
    return { ...this.#blank }
  }

  /** A record built from the defaults and the given fields; nothing is stored. */
  build(given: Fields): DraftRecord {
    return { ...this.#blank, ...castFields(this.shape, given) } as DraftRecord
  }

  create(given: Fields): StoredRecord {
    const fields = castFields(this.shape, given)
    const now = formatTime(this.#now())
    const id = this.store.nextId()

    return this.#changed(
      this.store.insert({
        ...this.#blank,
        ...fields,
        id,
        uuid: randomUUID(),
        key: uniqueKey(
          fields.name as string | null,
          (key) => this.store.hasKey(key),
          this.#suffixes,
        ),
        created_at: orNow(fields.created_at, now),
        updated_at: orNow(fields.updated_at, now),
        user_updated_at: now,
        ...routePaths(id),
      } as StoredRecord),
    )
  }

  /**
   * Adds a record as a fixture gives it, keeping its id, uuid and times; times are rewritten
   * in the one form responses use, and absent write-only fields become null.
   */
  restore(record: StoredRecord): StoredRecord {
    return this.store.insert(this.#normalize(record))
  }

  /**
   * Restores many records at once, all or none, much faster than one by one. The records must
   * be complete and already in the stored form (times as formatTime writes them, lower-case
   * uuids): generated records are, and normalizing 100,000 of them would double the start.
   */
  restoreMany(records: StoredRecord[]): void {
    this.store.insertMany(records)
  }

  /** Replaces every record, all or none; given in any form `restore` takes. */
  replaceAll(records: StoredRecord[]): void {
    this.store.replaceAll(records.map((record) => this.#normalize(record)))
    this.onChange({ replaced: true })
  }

  /** Every live record, newest first. */
  records(): StoredRecord[] {
    return this.store.search()
  }

  #changed(record: StoredRecord): StoredRecord {
    this.onChange({ put: record })
    return record
  }

  #normalize(record: StoredRecord): StoredRecord {
    const restored: Record<string, unknown> = { ...this.#blank, ...record }

    restored.uuid = record.uuid.toLowerCase()
    for (const column of this.shape.timeColumns) {
      const value = restored[column]
      if (typeof value === 'string' && !CANONICAL_TIME.test(value)) {
        restored[column] = formatTime(Date.parse(value))
      }
    }
    return restored as StoredRecord
  }

  /** The live record named by an integer id or a uuid; anything else is not found. */
  show(idOrUuid: string): StoredRecord {
    const record = DECIMAL_ID.test(idOrUuid)
      ? this.store.findById(Number(idOrUuid))
      : this.store.findByUuid(idOrUuid.toLowerCase())

    if (!record) {
      throw new NotFoundError(
        `No oauth_connection has the id or uuid ${JSON.stringify(idOrUuid)}: ` +
          'list /api/v1/oauth_connections to see the ids that exist.',
      )
    }
    return record
  }

  /** Changes only the fields given; updated_at moves unless it is given. */
  update(idOrUuid: string, given: Fields): StoredRecord {
    const record = this.show(idOrUuid)
    const fields = castFields(this.shape, given)
    const now = formatTime(this.#now())

    return this.#changed(
      this.store.replace({
        ...record,
        ...fields,
        created_at: orNow(fields.created_at, record.created_at),
        updated_at: orNow(fields.updated_at, now),
        user_updated_at: now,
      } as StoredRecord),
    )
  }

  /** Marks the record deleted and drops it from the store; the answer shows `deleted_at`. */
  destroy(idOrUuid: string): StoredRecord {
    const record = this.show(idOrUuid)

    this.store.remove(record.id)
    this.onChange({ delete: record.id })
    return { ...record, deleted_at: formatTime(this.#now()) }
  }

  #searchTextOf(record: StoredRecord): string[] {
    const fields: string[] = []
    for (const field of this.shape.searchable) {
      const value = record[field as keyof StoredRecord]
      if (typeof value === 'string' && value !== '') fields.push(value.toLowerCase())
    }
    return fields
  }
}

function blankRecord(shape: RecordShape): DraftRecord {
  const blank: Record<string, unknown> = { type: shape.type }

  for (const column of shape.columns) blank[column] ??= null
  for (const field of shape.fields.keys()) blank[field] ??= null
  return blank as DraftRecord
}

/** The platform's own (non-API) paths of a record, as it reports them. */
export function routePaths(
  id: number,
): Pick<StoredRecord, 'routes_show_path' | 'routes_edit_path'> {
  return {
    routes_show_path: `/oauth_connections/${id}`,
    routes_edit_path: `/oauth_connections/${id}/edit`,
  }
}

/** A blank created_at or updated_at means "not given": the server's time stands. */
function orNow(value: CastFields[keyof CastFields], fallback: string): string {
  return typeof value === 'string' ? value : fallback
}
