// How a test request's body is written, shared by the contract harness and the tests' own
// client: kept apart from the harness so that importing it loads nothing else.

export interface BodyOptions {
  /** Sent as a JSON body. */
  json?: unknown
  /** Sent as a form-urlencoded body. */
  form?: Record<string, string>
  /** Sent as it is; the caller sets its Content-Type. */
  raw?: string
}

/** A request body from `json`, `form` or `raw` (whose Content-Type the caller sets). */
export function encodeBody(options: BodyOptions): {
  body?: string
  contentType?: string
} {
  if (options.json !== undefined) {
    return { body: JSON.stringify(options.json), contentType: 'application/json' }
  }
  if (options.form) {
    const body = new URLSearchParams(options.form).toString()
    return { body, contentType: 'application/x-www-form-urlencoded' }
  }
  return { body: options.raw }
}
