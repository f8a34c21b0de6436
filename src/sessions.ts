import type { OauthConnections } from './oauth-connections/resource.ts'

/** How many named sessions live at once before the least recently used one is dropped. */
export const DEFAULT_MAX_SESSIONS = 100

/**
 * The data a request works on: the default data, or, for a request naming a session
 * (`X-Mock-Session: NAME`), that session's own copy, made from the fixtures on first use.
 * Parallel test runs each name their own session and never see each other's records.
 */
export class Sessions {
  readonly default: OauthConnections
  readonly #named = new Map<string, OauthConnections>()
  readonly #create: () => OauthConnections
  readonly #max: number

  constructor(create: () => OauthConnections, max = DEFAULT_MAX_SESSIONS) {
    this.#create = create
    this.#max = max
    this.default = create()
  }

  /** The session of that name (created on first use), or the default data for no name. */
  get(name: string | undefined): OauthConnections {
    if (!name) return this.default

    let session = this.#named.get(name)
    if (session) {
      // Map keeps insertion order: re-inserting marks the session as the most recently used.
      this.#named.delete(name)
    } else {
      session = this.#create()
      if (this.#named.size >= this.#max) this.#named.delete(this.#named.keys().next().value!)
    }
    this.#named.set(name, session)
    return session
  }

  /** Replaces a session's data with a fresh copy of the fixtures. */
  reset(name: string | undefined): OauthConnections {
    if (!name) throw new Error('the default data is reset through its resource')

    const session = this.#create()
    this.#named.delete(name)
    this.#named.set(name, session)
    return session
  }

  get names(): string[] {
    return [...this.#named.keys()]
  }
}
