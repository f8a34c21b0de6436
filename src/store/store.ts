// Records in memory, with the indexes a list needs: by id, by uuid, by key, and one array
// ordered by (created_at, id) so that a date range is two binary searches and a page is a
// slice, read from the end for newest first. It knows nothing of HTTP or of the spec.

/** What the store needs of a record; the rest of it is the resource's business. */
export interface StorableRecord {
  id: number
  uuid: string
  key: string
  created_at: string
}

interface Entry<R> {
  record: R
  createdAt: number
  searchText: SearchText
}

/** Lower-cased text `search` matches against: one string, or one per field. */
export type SearchText = string | readonly string[]

export interface StoreOptions<R> {
  /** Lower-cased text that `search` matches against; computed once per write. */
  searchTextOf: (record: R) => SearchText
}

export class Store<R extends StorableRecord> {
  readonly #byId = new Map<number, Entry<R>>()
  readonly #byUuid = new Map<string, Entry<R>>()
  readonly #keys = new Set<string>()
  readonly #ordered: Entry<R>[] = []
  readonly #searchTextOf: (record: R) => SearchText
  #lastId = 0

  constructor(options: StoreOptions<R>) {
    this.#searchTextOf = options.searchTextOf
  }

  get size(): number {
    return this.#byId.size
  }

  /** The next id; ids only grow, so a deleted record's id is never given again. */
  nextId(): number {
    this.#lastId += 1
    return this.#lastId
  }

  hasKey(key: string): boolean {
    return this.#keys.has(key)
  }

  /** Adds a record whose id, uuid and key are not taken; throws if one is. */
  insert(record: R): R {
    this.#assertFree(record)

    this.#lastId = Math.max(this.#lastId, record.id)
    this.#index(this.#entryOf(record))
    return record
  }

  /**
   * Adds many records with one sort instead of one insertion each; all or none are added.
   * Keys must be unique among themselves too.
   */
  insertMany(records: R[]): void {
    // One pass: each record is checked against the indexes, which by then hold the batch's
    // earlier records too; a clash takes the batch's records out again.
    const added: Entry<R>[] = []
    try {
      for (const record of records) {
        this.#assertFree(record)
        const entry = this.#entryOf(record)
        this.#byId.set(record.id, entry)
        this.#byUuid.set(record.uuid, entry)
        this.#keys.add(record.key)
        added.push(entry)
      }
    } catch (error) {
      for (const entry of added) this.#forget(entry)
      throw error
    }

    for (const entry of added) {
      this.#ordered.push(entry)
      this.#lastId = Math.max(this.#lastId, entry.record.id)
    }
    this.#ordered.sort(compareEntries)
  }

  /**
   * Replaces every record with these, all or none. The id sequence goes on where it was, so
   * that an id answered before is not given again to a new record.
   */
  replaceAll(records: R[]): void {
    assertDistinct(records)

    this.#byId.clear()
    this.#byUuid.clear()
    this.#keys.clear()
    this.#ordered.length = 0
    this.insertMany(records)
  }

  /** The id the sequence gave last; the next one is higher. */
  get lastId(): number {
    return this.#lastId
  }

  /** Moves the sequence on, so that ids up to `id` are never given (they were, once). */
  skipIdsUpTo(id: number): void {
    this.#lastId = Math.max(this.#lastId, id)
  }

  findById(id: number): R | undefined {
    return this.#byId.get(id)?.record
  }

  findByUuid(uuid: string): R | undefined {
    return this.#byUuid.get(uuid)?.record
  }

  /** Replaces the record of the same id; its id, uuid and key must not change. */
  replace(record: R): R {
    const old = this.#byId.get(record.id)
    if (!old) throw new Error(`no record ${record.id} to replace`)

    const entry = this.#entryOf(record)
    if (entry.createdAt !== old.createdAt) {
      this.#unindex(old)
      this.#index(entry)
      return record
    }

    // Most updates keep created_at: the entry keeps its place, and no splice moves the array.
    this.#ordered[this.#positionOf(old)] = entry
    this.#byId.set(record.id, entry)
    this.#byUuid.set(record.uuid, entry)
    return record
  }

  remove(id: number): R | undefined {
    const entry = this.#byId.get(id)
    if (!entry) return undefined

    this.#unindex(entry)
    return entry.record
  }

  /**
   * Records created within [from, to] (epoch milliseconds, either side open when undefined),
   * newest first, whose search text contains `text` (already lower-cased) when given.
   */
  search(from?: number, to?: number, text?: string): R[] {
    return this.page(from, to, text, 0, Infinity).records
  }

  /**
   * `limit` records from `offset` of what `search` would return, and how many it would return.
   * Without text the range's bounds give the count, so a page costs its own size only.
   */
  page(
    from: number | undefined,
    to: number | undefined,
    text: string | undefined,
    offset: number,
    limit: number,
  ): { total: number; records: R[] } {
    // The array runs oldest first: the range is [start, end), and newest first means from
    // its end backwards.
    const start = from === undefined ? 0 : this.#firstAtOrAfter(from)
    const end = to === undefined ? this.#ordered.length : this.#firstAfter(to)

    if (!text) {
      const last = end - offset
      const first = Math.max(start, last - limit)
      const slice = last > first ? this.#ordered.slice(first, last).reverse() : []
      return { total: Math.max(end - start, 0), records: slice.map((entry) => entry.record) }
    }

    const records: R[] = []
    let total = 0
    for (let index = end - 1; index >= start; index--) {
      const entry = this.#ordered[index]
      if (!contains(entry.searchText, text)) continue
      if (total >= offset && records.length < limit) records.push(entry.record)
      total++
    }
    return { total, records }
  }

  /** Whether a stored record passes the same filters `search` applies. */
  matches(record: R, from?: number, to?: number, text?: string): boolean {
    const entry = this.#byId.get(record.id)
    if (!entry) return false

    const isAfterFrom = from === undefined || entry.createdAt >= from
    const isBeforeTo = to === undefined || entry.createdAt <= to
    return isAfterFrom && isBeforeTo && (!text || contains(entry.searchText, text))
  }

  /** Puts records in list order, newest first: the order `search` returns. */
  sort(records: R[]): R[] {
    return records
      .map((record) => this.#byId.get(record.id) ?? this.#entryOf(record))
      .sort((a, b) => compareEntries(b, a))
      .map((entry) => entry.record)
  }

  #assertFree(record: R): void {
    if (this.#byId.has(record.id)) throw new Error(`id ${record.id} is taken`)
    if (this.#byUuid.has(record.uuid)) throw new Error(`uuid ${record.uuid} is taken`)
    if (this.#keys.has(record.key)) throw new Error(`key ${record.key} is taken`)
  }

  #entryOf(record: R): Entry<R> {
    const createdAt = Date.parse(record.created_at)
    return { record, createdAt, searchText: this.#searchTextOf(record) }
  }

  #index(entry: Entry<R>): void {
    this.#byId.set(entry.record.id, entry)
    this.#byUuid.set(entry.record.uuid, entry)
    this.#keys.add(entry.record.key)
    this.#ordered.splice(this.#positionOf(entry), 0, entry)
  }

  #unindex(entry: Entry<R>): void {
    this.#forget(entry)
    this.#ordered.splice(this.#positionOf(entry), 1)
  }

  #forget(entry: Entry<R>): void {
    this.#byId.delete(entry.record.id)
    this.#byUuid.delete(entry.record.uuid)
    this.#keys.delete(entry.record.key)
  }

  /** Where the entry stands, or would stand, in the ordered array. */
  #positionOf(entry: Entry<R>): number {
    return this.#lowerBound((other) => compareEntries(other, entry) < 0)
  }

  #firstAtOrAfter(time: number): number {
    return this.#lowerBound((other) => other.createdAt < time)
  }

  #firstAfter(time: number): number {
    return this.#lowerBound((other) => other.createdAt <= time)
  }

  /** The first index whose entry does not satisfy `isBefore`; the array is partitioned by it. */
  #lowerBound(isBefore: (entry: Entry<R>) => boolean): number {
    let low = 0
    let high = this.#ordered.length

    while (low < high) {
      const middle = (low + high) >>> 1
      if (isBefore(this.#ordered[middle])) low = middle + 1
      else high = middle
    }
    return low
  }
}

/** Per field, so that a text can never match across the end of one field and the next. */
function contains(searchText: SearchText, text: string): boolean {
  if (typeof searchText === 'string') return searchText.includes(text)
  return searchText.some((field) => field.includes(text))
}

function assertDistinct<R extends StorableRecord>(records: R[]): void {
  for (const field of ['id', 'uuid', 'key'] as const) {
    const seen = new Set<unknown>()
    for (const record of records) {
      if (seen.has(record[field])) throw new Error(`${field} ${record[field]} is taken`)
      seen.add(record[field])
    }
  }
}

/**
 * Oldest first, the order of the array: created_at, then id. A new record has the latest
 * created_at and the highest id, so it is appended, never spliced in at the front.
 */
function compareEntries<R extends StorableRecord>(a: Entry<R>, b: Entry<R>): number {
  return a.createdAt - b.createdAt || a.record.id - b.record.id
}
