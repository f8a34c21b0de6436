// Typed errors, below every other layer: the store and the resource throw them, and only the
// HTTP layer decides how a client sees them. Messages are written for the person reading the
// response, so they say what to do, and they never quote a write-only value.

export type ParameterLocation = 'path' | 'query' | 'body' | 'header'

export interface ParameterProblem {
  parameter: string
  in: ParameterLocation
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly errors: ParameterProblem[]

  constructor(status: number, message: string, errors: ParameterProblem[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.errors = errors
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, message)
    this.name = 'NotFoundError'
  }
}

export class InvalidParametersError extends ApiError {
  constructor(errors: ParameterProblem[]) {
    super(422, describeProblems(errors), errors)
    this.name = 'InvalidParametersError'
  }
}

function describeProblems(errors: ParameterProblem[]): string {
  const names = [...new Set(errors.map((problem) => problem.parameter))]
  const noun = names.length === 1 ? 'parameter' : 'parameters'

  return `Invalid ${noun} ${names.join(', ')}: fix the values listed in "errors" and try again.`
}
