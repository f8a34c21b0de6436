import test from 'ava'

import {
  API,
  assertContract,
  assertFullRecord,
  type Answer,
  writeTest,
  useTarget,
  taggedLister,
  uniqueTag,
} from './_harness.ts'

const target = useTarget()
const list = taggedLister(target)

function search(text: string): Promise<Answer> {
  return target.request('GET', API, { query: { fulltext: text } })
}

function idsOf(records: any[]): number[] {
  return records.map((record) => record.id)
}

function parametersOf(answer: Answer): string[] {
  return [...new Set<string>(answer.body.errors?.map((error: any) => error.parameter))]
}

writeTest('GET /oauth_connections with fulltext matches a substring in any case', async (t) => {
  const tag = uniqueTag('case')
  const crossing = await target.create({ name: `${tag} Zebra Crossing` })
  await target.create({ name: `${tag} Zebra Stripes` })
  // Starts inside the run prefix ("ct-…"), so that only this test's records can match.
  const text = `${target.prefix.slice(1).toUpperCase()} ${tag.toUpperCase()} zEBRA cROSS`

  const answer = await search(text)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), [crossing.id])
  for (const record of answer.body.oauth_connections) assertFullRecord(t, record)
})

for (const column of ['description', 'client_id', 'webhook_remote_url', 'access_token_path']) {
  writeTest(`GET /oauth_connections with fulltext matches text in ${column}`, async (t) => {
    const marker = `${target.prefix}-only-in-${column}`
    const record = await target.create({ name: uniqueTag('column'), [column]: `x ${marker} x` })

    const answer = await search(marker)

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(idsOf(answer.body.oauth_connections), [record.id])
  })
}

for (const secret of ['client_secret', 'access_token']) {
  writeTest(
    `GET /oauth_connections with fulltext never matches a record by ${secret}`,
    async (t) => {
      const tag = uniqueTag(`secret ${secret}`)
      const marker = `${target.prefix}-${secret}-value`
      const record = await target.create({ name: tag, [secret]: marker })

      const bySecret = await search(marker)
      const byName = await list(tag)

      assertContract(t, 'listOauthConnections', bySecret, 200)
      t.deepEqual(bySecret.body.oauth_connections, [])
      t.is(bySecret.body.metadata.total_count, 0)
      t.deepEqual(idsOf(byName.body.oauth_connections), [record.id])
    },
  )
}

// Each would match the record "… plain" if read as a regular expression or a LIKE pattern.
const patterns = ['.*', ' p.ain', ' pl.*', '%', ' pl%', '_plain', ' pl_in', ' (', ' [', '\\', '*']

for (const pattern of patterns) {
  writeTest(
    `GET /oauth_connections with fulltext "…${pattern}" matches it literally`,
    async (t) => {
      const tag = uniqueTag('pattern')
      await target.create({ name: `${tag} plain` })

      const answer = await list(tag + pattern)

      assertContract(t, 'listOauthConnections', answer, 200)
      t.deepEqual(answer.body.oauth_connections, [])
    },
  )
}

writeTest('GET /oauth_connections with fulltext finds pattern characters typed', async (t) => {
  const tag = uniqueTag('literal')
  const literal = await target.create({ name: `${tag} a.*b (c) [d] 50% e_f \\g` })
  await target.create({ name: `${tag} aXXb (c) [d] 50% eXf \\g` })

  const answer = await list(`${tag} a.*b (c) [d] 50% e_f \\g`)

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), [literal.id])
})

writeTest('GET /oauth_connections with columns answers only those keys', async (t) => {
  const tag = uniqueTag('columns')
  const created = await target.create({ name: tag, description: 'left out' })

  const answer = await list(tag, { columns: 'uuid,name,created_at' })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(answer.body.oauth_connections, [
    { uuid: created.uuid, name: created.name, created_at: created.created_at },
  ])
})

writeTest(
  'GET /oauth_connections with columns and root=false answers only those keys',
  async (t) => {
    const tag = uniqueTag('columns bare')
    const created = await target.create({ name: tag })

    const answer = await list(tag, { columns: 'id,key', root: 'false' })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(answer.body, [{ id: created.id, key: created.key }])
  },
)

for (const columns of ['uuid,bogus', 'uuid,number,created_at', 'client_secret', 'access_token']) {
  test(`GET /oauth_connections with columns=${columns} answers 422 naming columns`, async (t) => {
    const tag = uniqueTag('columns bad')

    const answer = await list(tag, { columns })

    assertContract(t, 'listOauthConnections', answer, 422)
    t.deepEqual(parametersOf(answer), ['columns'])
  })
}

for (const root of ['1', 'true', 'TRUE', 'yes', 'Yes', 'on', 'ON']) {
  writeTest(`GET /oauth_connections with root=${root} answers the root node`, async (t) => {
    const tag = uniqueTag('root true')
    const created = await target.create({ name: tag })

    const answer = await list(tag, { root })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(answer.body.oauth_connections, [created])
    t.deepEqual(answer.body.metadata, { page: 1, per_page: 25, total_count: 1, total_pages: 1 })
  })
}

for (const root of ['0', 'false', 'FALSE', 'no', 'No', 'off', 'Off']) {
  writeTest(`GET /oauth_connections with root=${root} answers a bare array`, async (t) => {
    const tag = uniqueTag('root false')
    const created = await target.create({ name: tag })

    const answer = await list(tag, { root })

    assertContract(t, 'listOauthConnections', answer, 200)
    t.deepEqual(answer.body, [created])
    t.is(answer.headers.get('x-total-count'), '1')
  })
}

for (const root of ['maybe', '2', '-1', 'truthy', 'nope']) {
  test(`GET /oauth_connections with root=${root} answers 422 naming root`, async (t) => {
    const tag = uniqueTag('root bad')

    const answer = await list(tag, { root })

    assertContract(t, 'listOauthConnections', answer, 422)
    t.deepEqual(parametersOf(answer), ['root'])
  })
}

writeTest('GET /oauth_connections ignores parameters it does not know', async (t) => {
  const tag = uniqueTag('unknown')
  const created = await target.create({ name: tag })

  const answer = await list(tag, { sort: 'name', bogus: 'x', 'filter[name]': 'y', name: 'z' })

  assertContract(t, 'listOauthConnections', answer, 200)
  t.deepEqual(idsOf(answer.body.oauth_connections), [created.id])
})
