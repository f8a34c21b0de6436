import { setTimeout as sleep } from 'node:timers/promises'

import { ApiError } from '../errors.ts'
import type { Operation } from '../spec/operations.ts'
import { errorBody } from './envelope.ts'
import type { Answer } from './handlers.ts'

/**
 * What a request's `Prefer` header asks for, in the words Prism uses where they overlap:
 * `code=404` (that declared status instead of the real answer), `example=NAME` (a named
 * example of the spec instead of the real answer) and `delay=MS` (answer later).
 */
export interface Preferences {
  code?: number
  example?: string
  delay?: number
}

/** Delays beyond this would only trip the client's own timeouts; a minute is plenty. */
export const MAX_DELAY_MS = 60_000

export function readPreferences(header: string | undefined): Preferences {
  const preferences: Preferences = {}

  for (const token of (header ?? '').split(/[,;]/)) {
    const [name, raw = ''] = token.split('=', 2).map((part) => part.trim())
    const value = raw.replace(/^"(.*)"$/, '$1')
    if (name === 'code') preferences.code = wholeNumber(name, value, 100, 599)
    else if (name === 'delay') preferences.delay = wholeNumber(name, value, 0, MAX_DELAY_MS)
    else if (name === 'example') preferences.example = value
  }
  return preferences
}

export async function delayAsPreferred(preferences: Preferences): Promise<void> {
  if (preferences.delay) await sleep(preferences.delay)
}

/**
 * The answer the preferences ask for instead of running the operation, or undefined to run it:
 * a preferred code that is the operation's own success status runs the operation, so that
 * `Prefer: code=201` still creates.
 */
export function preferredAnswer(
  operation: Operation,
  preferences: Preferences,
): Answer | undefined {
  const { code, example } = preferences
  if (code === undefined && example === undefined) return undefined

  const status = code ?? successStatus(operation)
  const declared = operation.responses.get(status)
  if (!declared) {
    const statuses = [...operation.responses.keys()].join(', ')
    throw preferenceError(
      `code=${status} is not declared for ${operation.operationId}: use ${statuses}`,
    )
  }

  if (example !== undefined)
    return { status, body: namedExample(operation, status, declared, example) }
  if (status === successStatus(operation)) return undefined
  return { status, body: errorBody(status, `Answered ${status} because the Prefer header asked.`) }
}

function namedExample(
  operation: Operation,
  status: number,
  examples: Record<string, unknown>,
  name: string,
): unknown {
  if (Object.hasOwn(examples, name)) return examples[name]

  const names = Object.keys(examples).join(', ') || 'none'
  throw preferenceError(
    `example=${name} is not an example of ${operation.operationId}'s ${status}: use ${names}`,
  )
}

function successStatus(operation: Operation): number {
  return Math.min(...[...operation.responses.keys()].filter((status) => status < 300))
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN
  if (number >= min && number <= max) return number

  throw preferenceError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`)
}

function preferenceError(message: string): ApiError {
  return new ApiError(400, `The Prefer header cannot be honoured: ${message}.`, [
    { parameter: 'Prefer', in: 'header', message },
  ])
}
