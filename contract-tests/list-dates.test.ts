import test from 'ava'

import { assertContract, writeTest, useTarget, taggedLister, uniqueTag } from './_harness.ts'

const target = useTarget()
const list = taggedLister(target)

/** One record created at each time given, in that order. */
async function createAt(tag: string, times: string[]): Promise<any[]> {
  const records = []
  for (const time of times) records.push(await target.create({ name: tag, created_at: time }))
  return records
}

function idsOf(records: any[]): number[] {
  return records.map((record) => record.id)
}

writeTest(
  'GET /oauth_connections includes records exactly at created_at_from and _to',
  async (t) => {
    const tag = uniqueTag('bounds')
    const [, from, to] = await createAt(tag, [
      '2021-06-01T10:00:00Z',
      '2021-06-01T10:00:01Z',
      '2021-06-01T10:00:02Z',
      '2021-06-01T10:00:03Z',
    ])

    const answer = await list(tag, {
      created_at_from: '2021-06-01T10:00:01Z',
      created_at_to: '2021-06-01T10:00:02Z',
    })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(idsOf(answer.body.oauth_connections), [to.id, from.id])
  },
)

// Each names the instant 2016-01-01T17:25:15Z.
const sameInstant: [string, string | undefined][] = [
  ['2016-01-01 12:25:15 -0500', undefined],
  ['2016-01-01 12:25:15 -0500', 'Asia/Tokyo'],
  ['2016-01-01 17:25:15', undefined],
  ['2016-01-01 12:25:15', 'America/New_York'],
  ['2016-01-01 12:25:15', 'Eastern Time (US & Canada)'],
  ['2016-01-01T17:25:15Z', undefined],
  ['2016-01-01T17:25:15.000Z', undefined],
  ['2016-01-01T12:25:15-05:00', undefined],
  ['2016-01-01T19:25:15+02:00', undefined],
]

for (const [time, zone] of sameInstant) {
  const inZone = zone ? ` and time_zone=${zone}` : ''
  writeTest(
    `GET /oauth_connections from and to "${time}"${inZone} answers that second`,
    async (t) => {
      const tag = uniqueTag('instant')
      const [, exact] = await createAt(tag, [
        '2016-01-01T17:25:14Z',
        '2016-01-01T17:25:15Z',
        '2016-01-01T17:25:16Z',
      ])
      const query = { created_at_from: time, created_at_to: time, ...(zone && { time_zone: zone }) }

      const answer = await list(tag, query)

      assertContract(t, 'listOauthConnections', answer, 200)
      t.deepEqual(idsOf(answer.body.oauth_connections), [exact.id])
    },
  )
}

writeTest(
  'GET /oauth_connections with a date alone as bounds answers that whole day',
  async (t) => {
    const tag = uniqueTag('whole day')
    const [, first, last] = await createAt(tag, [
      '2015-12-31T23:59:59Z',
      '2016-01-01T00:00:00Z',
      '2016-01-01T23:59:59Z',
      '2016-01-02T00:00:00Z',
    ])

    const answer = await list(tag, { created_at_from: '2016-01-01', created_at_to: '2016-01-01' })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(idsOf(answer.body.oauth_connections), [last.id, first.id])
  },
)

// 2016-01-01 03:00Z is still New Year's Eve in New York; 2016-01-02 03:00Z is still New Year's
// Day there.
const dayInZone: [string | undefined, 'utc' | 'newYork'][] = [
  [undefined, 'utc'],
  ['UTC', 'utc'],
  ['America/New_York', 'newYork'],
  ['Eastern Time (US & Canada)', 'newYork'],
]

for (const [zone, day] of dayInZone) {
  const title = zone ? `time_zone=${zone}` : 'no time_zone'
  writeTest(
    `GET /oauth_connections with ${title} reads a date bound as a ${day} day`,
    async (t) => {
      const tag = uniqueTag('zone')
      const [early, noon, late] = await createAt(tag, [
        '2016-01-01T03:00:00Z',
        '2016-01-01T12:00:00Z',
        '2016-01-02T03:00:00Z',
      ])
      const expected = { utc: [noon.id, early.id], newYork: [late.id, noon.id] }[day]
      const bounds = { created_at_from: '2016-01-01', created_at_to: '2016-01-01' }

      const answer = await list(tag, { ...bounds, ...(zone && { time_zone: zone }) })

      assertContract(t, 'listOauthConnections', answer, 200)
      t.deepEqual(idsOf(answer.body.oauth_connections), expected)
    },
  )
}

const badTimes = [
  'yesterday',
  '2016-13-45',
  '2016-02-30',
  '01/02/2016',
  '2016-01-01 25:00:00',
  '2016-01-01T10:00:00+05:99',
]

for (const parameter of ['created_at_from', 'created_at_to']) {
  for (const time of badTimes) {
    test(`GET /oauth_connections with ${parameter}=${time} answers 422 naming it`, async (t) => {
      const tag = uniqueTag('bad time')

      const answer = await list(tag, { [parameter]: time })

      assertContract(t, 'listOauthConnections', answer, 422)
      const names = answer.body.errors?.map((error: any) => error.parameter)
      t.deepEqual([...new Set(names)], [parameter])
    })
  }
}

for (const zone of ['Mars/Olympus', 'Eastern Time (Mars)']) {
  test(`GET /oauth_connections with time_zone=${zone} answers 422 naming time_zone`, async (t) => {
    const tag = uniqueTag('bad zone')

    const answer = await list(tag, { time_zone: zone })

    assertContract(t, 'listOauthConnections', answer, 422)
    const names = answer.body.errors?.map((error: any) => error.parameter)
    t.deepEqual([...new Set(names)], ['time_zone'])
  })
}
