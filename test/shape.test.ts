import test from 'ava'

import { readRecordShape } from '../src/oauth-connections/shape.ts'
import { loadSpec } from '../src/spec/spec.ts'

const spec = loadSpec()
const shape = readRecordShape(spec)

test('readRecordShape takes the 26 columns in the order of the spec', (t) => {
  const inSpec = Object.keys(spec.properties('OauthConnectionColumns'))

  const columns = shape.columns

  t.is(columns.length, 26)
  t.deepEqual(columns, inSpec)
})

test('readRecordShape finds the time columns by their date-time format', (t) => {
  const timeColumns = [...shape.timeColumns].sort()

  t.deepEqual(timeColumns, [
    'created_at',
    'deleted_at',
    'expires_at',
    'fetched_at',
    'updated_at',
    'user_updated_at',
  ])
})

test('readRecordShape casts decimals and times, and everything else as text', (t) => {
  const kinds = Object.fromEntries(shape.fields)

  t.like(kinds, {
    webhook_read_timeout: 'decimal',
    expires_in: 'decimal',
    expires_at: 'time',
    fetched_at: 'time',
    created_at: 'time',
    updated_at: 'time',
    name: 'text',
    client_secret: 'text',
    access_token: 'text',
  })
  t.is(shape.fields.size, Object.keys(spec.properties('OauthConnectionParams')).length)
})

test('readRecordShape lets fulltext search the writable text columns, never a secret', (t) => {
  const searchable = [...shape.searchable].sort()

  t.deepEqual(searchable, [
    'access_token_path',
    'client_id',
    'description',
    'name',
    'webhook_remote_body',
    'webhook_remote_headers',
    'webhook_remote_method',
    'webhook_remote_url',
    'webhook_response_success_codes',
  ])
})

test('readRecordShape reads the record type from the spec', (t) => {
  t.is(shape.type, 'OauthConnection')
})
