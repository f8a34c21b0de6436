import {
  closeSync,
  fdatasyncSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'

import type { Change } from './oauth-connections/resource.ts'
import type { StoredRecord } from './oauth-connections/types.ts'

export interface SavedState {
  records: StoredRecord[]
  lastId: number
}

/** Rewrite the file once the log holds this many changes more than there are records. */
const COMPACT_AFTER_CHANGES = 1000

/**
 * The default data's state on disk, so that it survives restarts: a snapshot followed by an
 * append-only log of changes, one JSON object a line. Each change is written before the
 * request that made it is answered, so killing the process loses nothing acknowledged. Now
 * and then the file is rewritten as a fresh snapshot (write a temporary file, then rename it,
 * which is atomic), so that the cost of one write never grows with the whole state.
 *
 * Lines: `{"last_id": N}`, `{"put": record}`, `{"delete": id}`.
 */
export class StateFile {
  readonly #file: string
  #fd: number | undefined
  #changes = 0

  constructor(file: string) {
    this.#file = file
  }

  /** The state the file holds, or undefined when there is no file yet. */
  read(): SavedState | undefined {
    if (!existsSync(this.#file)) return undefined

    const records = new Map<number, StoredRecord>()
    let lastId = 0
    const lines = readFileSync(this.#file, 'utf8').split('\n')
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue
      const entry = parseLine(this.#file, line, index, index === lines.length - 1)
      if (!entry) continue
      if ('last_id' in entry) lastId = Math.max(lastId, entry.last_id)
      if ('put' in entry) records.set(entry.put.id, entry.put)
      if ('delete' in entry) records.delete(entry.delete)
      if ('put' in entry) lastId = Math.max(lastId, entry.put.id)
    }
    return { records: [...records.values()], lastId }
  }

  /** Replaces the file with a snapshot of this state. */
  write(state: SavedState): void {
    const temporary = `${this.#file}.${process.pid}.tmp`
    const lines = [JSON.stringify({ last_id: state.lastId })]
    for (const record of state.records) lines.push(JSON.stringify({ put: record }))

    const fd = openSync(temporary, 'w')
    try {
      writeSync(fd, `${lines.join('\n')}\n`)
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
    this.close()
    renameSync(temporary, this.#file)
    this.#changes = 0
  }

  /**
   * Appends one change and waits for the disk. Returns true when the log has grown enough
   * that the caller should write a fresh snapshot.
   */
  append(change: Change, recordCount: number): boolean {
    this.#fd ??= openSync(this.#file, 'a')
    writeSync(this.#fd, `${JSON.stringify(change)}\n`)
    fdatasyncSync(this.#fd)

    this.#changes += 1
    return this.#changes > Math.max(COMPACT_AFTER_CHANGES, recordCount)
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }
}

type Entry = { last_id: number } | { put: StoredRecord } | { delete: number }

/**
 * A torn last line is a write the process died in: it was never acknowledged, so it is
 * dropped. A bad line anywhere else means the file is not ours, and the start stops.
 */
function parseLine(file: string, line: string, index: number, isLast: boolean): Entry | undefined {
  try {
    return JSON.parse(line) as Entry
  } catch {
    if (isLast) return undefined
    throw new Error(
      `${file}: line ${index + 1} is not a state entry; move the file away to start afresh`,
    )
  }
}
