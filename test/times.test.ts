import test from 'ava'

import { formatTime, parseTime, resolveZone, type DayEdge } from '../src/oauth-connections/times.ts'

const parsesAs = test.macro({
  exec(t, text: string, zone: string, edge: DayEdge | undefined, expected: string | undefined) {
    const time = parseTime(text, zone, edge)

    t.is(time === undefined ? undefined : new Date(time).toISOString(), expected)
  },
  title(_provided, text: string, zone: string, edge: DayEdge | undefined, expected?: string) {
    const read = edge ? ` (${edge} of day)` : ''
    return `parseTime reads ${JSON.stringify(text)} in ${zone}${read} as ${expected ?? 'nothing'}`
  },
})

// The platform's own format: the offset wins over the zone.
test(parsesAs, '2016-01-01 12:25:15 -0500', 'UTC', undefined, '2016-01-01T17:25:15.000Z')
test(parsesAs, '2016-01-01 12:25:15 -0500', 'Asia/Tokyo', undefined, '2016-01-01T17:25:15.000Z')
test(parsesAs, '2016-01-01 12:25:15 +05:30', 'UTC', undefined, '2016-01-01T06:55:15.000Z')
test(parsesAs, '2016-01-01 12:25:15.250 -0500', 'UTC', undefined, '2016-01-01T17:25:15.250Z')

// Without an offset, the time is read in the zone, daylight saving time included.
test(parsesAs, '2016-01-01 12:25:15', 'America/New_York', undefined, '2016-01-01T17:25:15.000Z')
test(parsesAs, '2016-07-01 12:25:15', 'America/New_York', undefined, '2016-07-01T16:25:15.000Z')
test(parsesAs, '2016-01-01 12:25:15', 'UTC', undefined, '2016-01-01T12:25:15.000Z')

// A date alone is the first or the last millisecond of that day in the zone.
test(parsesAs, '2016-01-01', 'UTC', undefined, '2016-01-01T00:00:00.000Z')
test(parsesAs, '2016-01-01', 'UTC', 'end', '2016-01-01T23:59:59.999Z')
test(parsesAs, '2016-01-01', 'America/New_York', 'start', '2016-01-01T05:00:00.000Z')
test(parsesAs, '2016-01-01', 'America/New_York', 'end', '2016-01-02T04:59:59.999Z')
test(parsesAs, '2016-02-29', 'UTC', 'end', '2016-02-29T23:59:59.999Z')
// 2024-03-10 has 23 hours in New York, 2024-11-03 has 25.
test(parsesAs, '2024-03-10', 'America/New_York', 'start', '2024-03-10T05:00:00.000Z')
test(parsesAs, '2024-03-10', 'America/New_York', 'end', '2024-03-11T03:59:59.999Z')
test(parsesAs, '2024-11-03', 'America/New_York', 'start', '2024-11-03T04:00:00.000Z')
test(parsesAs, '2024-11-03', 'America/New_York', 'end', '2024-11-04T04:59:59.999Z')

// ISO 8601; the edge only applies to a date alone.
test(parsesAs, '2016-01-01T12:25:15Z', 'America/New_York', undefined, '2016-01-01T12:25:15.000Z')
test(parsesAs, '2016-01-01T12:25:15Z', 'UTC', 'end', '2016-01-01T12:25:15.000Z')
test(parsesAs, '2016-01-01T12:25:15+02:00', 'UTC', undefined, '2016-01-01T10:25:15.000Z')
test(parsesAs, '2016-01-01T12:25:15.123-05:00', 'UTC', undefined, '2016-01-01T17:25:15.123Z')
test(parsesAs, '2016-01-01T12:25:15.5Z', 'UTC', undefined, '2016-01-01T12:25:15.500Z')
test(parsesAs, '2016-01-01T12:25', 'America/New_York', undefined, '2016-01-01T17:25:00.000Z')

// Offsets as far as real ones go, and no further.
test(parsesAs, '2016-01-01 12:25:15 +14:00', 'UTC', undefined, '2015-12-31T22:25:15.000Z')
test(parsesAs, '2016-01-01T12:25:15-12:00', 'UTC', undefined, '2016-01-02T00:25:15.000Z')

// Text that names no real instant.
for (const text of [
  '2016-01-01 12:25:15 +05:99',
  '2016-01-01T12:25:15+15:00',
  '2016-01-01T12:25:15-0560',
  '2016-02-30',
  '2016-13-01',
  '2015-02-29',
  '2016-00-10',
  '2016-02-30 12:25:15 -0500',
  '2016-01-01 25:00:00',
  '2016-01-01 12:61:00',
  'yesterday',
  '',
]) {
  test(parsesAs, text, 'UTC', 'end', undefined)
}

const resolvesAs = test.macro({
  exec(t, name: string, expected: string | undefined) {
    t.is(resolveZone(name), expected)
  },
  title: (_provided, name: string, expected?: string) =>
    `resolveZone names ${JSON.stringify(name)} ${expected ?? 'no zone'}`,
})

test(resolvesAs, 'America/New_York', 'America/New_York')
test(resolvesAs, 'Europe/Berlin', 'Europe/Berlin')
test(resolvesAs, 'Eastern Time (US & Canada)', 'America/New_York')
test(resolvesAs, 'Pacific Time (US & Canada)', 'America/Los_Angeles')
test(resolvesAs, 'London', 'Europe/London')
test(resolvesAs, 'UTC', 'UTC')
test(resolvesAs, 'Mars/Olympus_Mons', undefined)
test(resolvesAs, 'Eastern Time (Mars)', undefined)
test(resolvesAs, '', undefined)

test('resolveZone gives a zone that parseTime reads Rails-named times in', (t) => {
  const zone = resolveZone('Pacific Time (US & Canada)')!

  const time = parseTime('2016-01-01 12:00:00', zone)

  t.is(formatTime(time!), '2016-01-01T20:00:00.000Z')
})

test('formatTime writes ISO 8601 in UTC with milliseconds', (t) => {
  const whole = formatTime(Date.UTC(2016, 0, 1, 17, 25, 15))
  const fraction = formatTime(Date.UTC(2016, 0, 1, 17, 25, 15, 7))
  const epoch = formatTime(0)

  t.is(whole, '2016-01-01T17:25:15.000Z')
  t.is(fraction, '2016-01-01T17:25:15.007Z')
  t.is(epoch, '1970-01-01T00:00:00.000Z')
})

test('formatTime of parseTime writes an offset time as the same instant in UTC', (t) => {
  const time = parseTime('2016-01-01 12:25:15 -0500', 'Asia/Tokyo')

  const written = formatTime(time!)

  t.is(written, '2016-01-01T17:25:15.000Z')
})
