import test from 'ava'

import {
  API,
  assertContract,
  assertFullRecord,
  type Answer,
  writeTest,
  useTarget,
  uniqueTag,
} from './_harness.ts'

const target = useTarget()

/**
 * Lists the records whose names carry `tag`, with `ids` written into the query string as it is
 * (the harness's `query` option would encode the brackets and commas).
 */
function listIds(tag: string, idsQuery: string): Promise<Answer> {
  const fulltext = encodeURIComponent(`${target.prefix} ${tag}`)
  return target.request('GET', `${API}?fulltext=${fulltext}&${idsQuery}`)
}

/** Three records a day apart, oldest first. */
async function createThree(tag: string): Promise<any[]> {
  const records = []
  for (const day of ['01', '02', '03']) {
    records.push(
      await target.create({ name: `${tag} ${day}`, created_at: `2021-06-${day}T09:00:00Z` }),
    )
  }
  return records
}

function idsOf(records: any[]): number[] {
  return records.map((record) => record.id)
}

const forms = [
  'ids[]={a}&ids[]={b}',
  'ids%5B%5D={a}&ids%5B%5D={b}',
  'ids={a}&ids={b}',
  'ids={a},{b}',
  'ids={a}%2C{b}',
  'ids=[{a},{b}]',
  'ids=%5B{a}%2C{b}%5D',
]

for (const form of forms) {
  writeTest(`GET /oauth_connections with ${form} answers just those records`, async (t) => {
    const tag = uniqueTag('ids form')
    const [oldest, , newest] = await createThree(tag)
    const idsQuery = form.replace('{a}', String(oldest.id)).replace('{b}', String(newest.id))

    const answer = await listIds(tag, idsQuery)

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(idsOf(answer.body.oauth_connections), [newest.id, oldest.id])
    for (const record of answer.body.oauth_connections) assertFullRecord(t, record)
    t.is(answer.body.metadata.total_count, 2)
  })
}

writeTest('GET /oauth_connections with ids leaves out a deleted record', async (t) => {
  const tag = uniqueTag('ids deleted')
  const [kept, deleted] = await createThree(tag)
  const destroyed = await target.request('DELETE', `${API}/${deleted.id}`)
  t.is(destroyed.status, 200)

  const answer = await listIds(tag, `ids=${kept.id},${deleted.id}`)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), [kept.id])
})

const badIds = ['ids[]=a', 'ids=1.5', 'ids=1,a', 'ids=[1,1.5]', 'ids[]=1&ids[]=x2', 'ids=0x10']

for (const idsQuery of badIds) {
  test(`GET /oauth_connections with ${idsQuery} answers 422 naming ids`, async (t) => {
    const tag = uniqueTag('ids bad')

    const answer = await listIds(tag, idsQuery)

    assertContract(t, 'listOauthConnections', answer, 422)
    t.deepEqual([...new Set(answer.body.errors?.map((error: any) => error.parameter))], ['ids'])
  })
}
