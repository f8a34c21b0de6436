import test from 'ava'

import { Store } from '../src/store/store.ts'
import { randomInt, seededRandom } from './_helpers.ts'

interface Row {
  id: number
  uuid: string
  key: string
  created_at: string
  name: string
}

const T0 = Date.UTC(2025, 0, 1)

function newStore(): Store<Row> {
  return new Store<Row>({ searchTextOf: (row) => row.name.toLowerCase() })
}

function row(id: number, createdAt: number, name = `Row ${id}`): Row {
  return {
    id,
    uuid: `uuid-${id}`,
    key: `key-${id}`,
    created_at: new Date(createdAt).toISOString(),
    name,
  }
}

function idsOf(rows: Row[]): number[] {
  return rows.map((found) => found.id)
}

/** The list order, written the naive way: created_at descending, then id descending. */
function naiveSearch(rows: Row[], from?: number, to?: number): number[] {
  return rows
    .filter((candidate) => {
      const time = Date.parse(candidate.created_at)
      return (from === undefined || time >= from) && (to === undefined || time <= to)
    })
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
    .map((found) => found.id)
}

test('Store.findById and Store.findByUuid return the inserted record', (t) => {
  const store = newStore()
  const inserted = row(7, T0)

  store.insert(inserted)

  t.is(store.findById(7), inserted)
  t.is(store.findByUuid('uuid-7'), inserted)
  t.true(store.hasKey('key-7'))
  t.is(store.size, 1)
})

test('Store.findById and Store.findByUuid return undefined for a record never stored', (t) => {
  const store = newStore()
  store.insert(row(1, T0))

  const byId = store.findById(2)
  const byUuid = store.findByUuid('uuid-2')

  t.is(byId, undefined)
  t.is(byUuid, undefined)
})

test('Store.nextId gives growing ids that continue after the highest inserted id', (t) => {
  const store = newStore()
  const first = store.nextId()
  const second = store.nextId()
  store.insert(row(40, T0))

  const afterInsert = store.nextId()

  t.deepEqual([first, second], [1, 2])
  t.is(afterInsert, 41)
})

test('Store.nextId never gives a removed record its id again', (t) => {
  const store = newStore()
  for (let count = 0; count < 3; count++) store.insert(row(store.nextId(), T0))
  store.remove(3)
  store.remove(2)

  const next = store.nextId()

  t.is(next, 4)
})

test('Store.search returns records newest first, higher id first on a tie', (t) => {
  const store = newStore()
  for (const [id, minutes] of [
    [3, 10],
    [1, 30],
    [5, 10],
    [2, 20],
    [4, 30],
  ]) {
    store.insert(row(id, T0 + minutes * 60_000))
  }

  const found = store.search()

  t.deepEqual(idsOf(found), [4, 1, 2, 5, 3])
})

test('Store.search(from, to) includes records created exactly at both bounds', (t) => {
  const store = newStore()
  store.insert(row(1, T0 - 1))
  store.insert(row(2, T0))
  store.insert(row(3, T0 + 500))
  store.insert(row(4, T0 + 1000))
  store.insert(row(5, T0 + 1001))

  const found = store.search(T0, T0 + 1000)

  t.deepEqual(idsOf(found), [4, 3, 2])
})

test('Store.search with only one bound leaves the other side open', (t) => {
  const store = newStore()
  for (let id = 1; id <= 5; id++) store.insert(row(id, T0 + id * 1000))

  const fromOnly = store.search(T0 + 3000)
  const toOnly = store.search(undefined, T0 + 3000)

  t.deepEqual(idsOf(fromOnly), [5, 4, 3])
  t.deepEqual(idsOf(toOnly), [3, 2, 1])
})

test('Store.search(from, to) matches a brute-force filter over 500 random records', (t) => {
  const random = seededRandom(20250101)
  const store = newStore()
  const rows: Row[] = []
  // Few distinct times, so that many records share a created_at and the id decides.
  const times = Array.from({ length: 120 }, () => T0 + randomInt(random, 0, 86_400_000))
  for (let id = 1; id <= 500; id++) {
    const inserted = row(id, times[randomInt(random, 0, times.length - 1)])
    rows.push(inserted)
  }
  for (const inserted of [...rows].sort(() => random() - 0.5)) store.insert(inserted)
  const bound = () => {
    const choice = random()
    if (choice < 0.1) return undefined
    if (choice < 0.6) return times[randomInt(random, 0, times.length - 1)]
    return T0 + randomInt(random, -1000, 86_401_000)
  }

  for (let range = 0; range < 400; range++) {
    const from = bound()
    const to = bound()

    const found = idsOf(store.search(from, to))

    t.deepEqual(found, naiveSearch(rows, from, to), `from ${from} to ${to}`)
    const matching = rows.filter((candidate) => store.matches(candidate, from, to))
    t.is(matching.length, found.length, `Store.matches disagrees, from ${from} to ${to}`)
  }
})

test('Store.search stays in list order through random inserts, replaces and removes', (t) => {
  const random = seededRandom(7)
  const store = newStore()
  const live = new Map<number, Row>()

  for (let step = 0; step < 2000; step++) {
    const action = random()
    const ids = [...live.keys()]
    const time = T0 + randomInt(random, 0, 50) * 1000
    if (action < 0.5 || ids.length === 0) {
      const inserted = row(store.nextId(), time)
      store.insert(inserted)
      live.set(inserted.id, inserted)
    } else if (action < 0.8) {
      const id = ids[randomInt(random, 0, ids.length - 1)]
      const replaced = { ...live.get(id)!, created_at: new Date(time).toISOString() }
      store.replace(replaced)
      live.set(id, replaced)
    } else {
      const id = ids[randomInt(random, 0, ids.length - 1)]
      store.remove(id)
      live.delete(id)
    }
  }

  const found = idsOf(store.search())

  t.deepEqual(found, naiveSearch([...live.values()]))
  t.is(store.size, live.size)
})

test('Store.replace with a changed created_at moves the record in the order', (t) => {
  const store = newStore()
  for (let id = 1; id <= 4; id++) store.insert(row(id, T0 + id * 1000))
  const before = idsOf(store.search())

  store.replace(row(1, T0 + 10_000))
  store.replace(row(4, T0))

  t.deepEqual(before, [4, 3, 2, 1])
  t.deepEqual(idsOf(store.search()), [1, 3, 2, 4])
  t.deepEqual(idsOf(store.search(T0 + 5000)), [1])
})

test('Store.replace makes search find the new text and no longer the old', (t) => {
  const store = newStore()
  store.insert(row(1, T0, 'Salesforce Production'))

  store.replace(row(1, T0, 'HubSpot Marketing'))

  t.deepEqual(idsOf(store.search(undefined, undefined, 'hubspot')), [1])
  t.deepEqual(idsOf(store.search(undefined, undefined, 'salesforce')), [])
  t.is(store.findById(1)?.name, 'HubSpot Marketing')
})

test('Store.replace throws for an id that is not stored', (t) => {
  const store = newStore()
  store.insert(row(1, T0))

  const replacing = () => store.replace(row(2, T0))

  t.throws(replacing, { message: /no record 2/ })
  t.is(store.size, 1)
})

test('Store.remove takes the record out of every index', (t) => {
  const store = newStore()
  const removed = row(2, T0 + 1000, 'Zendesk')
  store.insert(row(1, T0, 'Zendesk Support'))
  store.insert(removed)
  store.insert(row(3, T0 + 2000))

  const answer = store.remove(2)

  t.is(answer, removed)
  t.is(store.findById(2), undefined)
  t.is(store.findByUuid('uuid-2'), undefined)
  t.false(store.hasKey('key-2'))
  t.false(store.matches(removed))
  t.deepEqual(idsOf(store.search()), [3, 1])
  t.deepEqual(idsOf(store.search(undefined, undefined, 'zendesk')), [1])
  t.is(store.size, 2)
})

test('Store.remove frees the uuid and key for a new record with a new id', (t) => {
  const store = newStore()
  store.insert(row(store.nextId(), T0))
  store.remove(1)

  const reinserted = { ...row(store.nextId(), T0), uuid: 'uuid-1', key: 'key-1' }
  store.insert(reinserted)

  t.is(reinserted.id, 2)
  t.is(store.findByUuid('uuid-1'), reinserted)
  t.is(store.findById(1), undefined)
})

test('Store.remove of an id that is not stored returns undefined and changes nothing', (t) => {
  const store = newStore()
  store.insert(row(1, T0))

  const answer = store.remove(9)

  t.is(answer, undefined)
  t.deepEqual(idsOf(store.search()), [1])
})

test('Store.search with text keeps only records whose search text contains it', (t) => {
  const store = newStore()
  store.insert(row(1, T0, 'Salesforce Production'))
  store.insert(row(2, T0 + 1000, 'HubSpot Sales'))
  store.insert(row(3, T0 + 2000, 'Salesforce Sandbox'))
  store.insert(row(4, T0 + 3000, 'Zoho CRM'))

  const byText = store.search(undefined, undefined, 'sales')
  const byTextAndRange = store.search(T0 + 500, undefined, 'salesforce')
  const byNothing = store.search(undefined, undefined, 'pipedrive')

  t.deepEqual(idsOf(byText), [3, 2, 1])
  t.deepEqual(idsOf(byTextAndRange), [3])
  t.deepEqual(idsOf(byNothing), [])
})

test('Store.matches applies the same range and text as search', (t) => {
  const store = newStore()
  const stored = row(1, T0, 'Slack Call Alerts')
  store.insert(stored)

  const cases = [
    store.matches(stored, T0, T0, 'call'),
    store.matches(stored, T0 + 1),
    store.matches(stored, undefined, T0 - 1),
    store.matches(stored, undefined, undefined, 'hubspot'),
    store.matches(row(2, T0)),
  ]

  t.deepEqual(cases, [true, false, false, false, false])
})

test('Store.sort puts records in list order, newest first and higher id on a tie', (t) => {
  const store = newStore()
  const rows = [row(1, T0), row(2, T0 + 1000), row(3, T0), row(4, T0 - 1000)]
  for (const stored of rows) store.insert(stored)

  const sorted = store.sort([rows[3], rows[0], rows[2], rows[1]])

  t.deepEqual(idsOf(sorted), [2, 3, 1, 4])
})

const takenCases: [string, Partial<Row>, RegExp][] = [
  ['id', { uuid: 'uuid-other', key: 'key-other' }, /id 1 is taken/],
  ['uuid', { id: 2, key: 'key-other' }, /uuid uuid-1 is taken/],
  ['key', { id: 2, uuid: 'uuid-other' }, /key key-1 is taken/],
]

for (const [taken, changes, message] of takenCases) {
  test(`Store.insert throws when the ${taken} is taken, and stores nothing`, (t) => {
    const store = newStore()
    const first = row(1, T0)
    store.insert(first)

    const inserting = () => store.insert({ ...first, ...changes, created_at: '2030-01-01' })

    t.throws(inserting, { message })
    t.is(store.size, 1)
    t.is(store.findById(1), first)
    t.deepEqual(idsOf(store.search()), [1])
    if (changes.id) t.is(store.findById(changes.id), undefined)
    if (changes.uuid) t.is(store.findByUuid(changes.uuid), undefined)
  })
}

test('Store.page returns the slice of search at the offset, and the count of all of it', (t) => {
  const random = seededRandom(99)
  const names = ['Salesforce CRM', 'HubSpot Sales', 'Zoho CRM', 'Slack Alerts']
  const store = newStore()
  for (let id = 1; id <= 300; id++) {
    const name = names[randomInt(random, 0, names.length - 1)]
    store.insert(row(id, T0 + randomInt(random, 0, 60) * 1000, name))
  }

  for (let round = 0; round < 300; round++) {
    const from = random() < 0.3 ? undefined : T0 + randomInt(random, -1, 61) * 1000
    const to = random() < 0.3 ? undefined : T0 + randomInt(random, -1, 61) * 1000
    const text = [undefined, 'crm', 'sales', 'nothing'][randomInt(random, 0, 3)]
    const offset = randomInt(random, 0, 320)
    const limit = randomInt(random, 1, 60)

    const page = store.page(from, to, text, offset, limit)

    const all = store.search(from, to, text)
    const where = `from ${from} to ${to} text ${text} offset ${offset} limit ${limit}`
    t.deepEqual(idsOf(page.records), idsOf(all.slice(offset, offset + limit)), where)
    t.is(page.total, all.length, where)
  }
})

test('Store.insertMany stores records in the same order as one insert each', (t) => {
  const random = seededRandom(5)
  const rows = Array.from({ length: 200 }, (_, index) =>
    row(index + 1, T0 + randomInt(random, 0, 30) * 1000),
  )
  const one = newStore()
  for (const inserted of rows) one.insert(inserted)
  const many = newStore()

  many.insertMany(rows)

  t.deepEqual(idsOf(many.search()), idsOf(one.search()))
  t.is(many.findByUuid('uuid-17'), rows[16])
  t.is(many.nextId(), 201)
})

const takenInBulk: [string, (rows: Row[]) => Row[]][] = [
  ['an id already stored', (rows) => [...rows, { ...row(9, T0), id: 1 }]],
  ['a uuid repeated within the records', (rows) => [...rows, { ...row(9, T0), uuid: 'uuid-3' }]],
  ['a key repeated within the records', (rows) => [...rows, { ...row(9, T0), key: 'key-4' }]],
]

for (const [what, withProblem] of takenInBulk) {
  test(`Store.insertMany with ${what} throws and stores none of them`, (t) => {
    const store = newStore()
    store.insert(row(1, T0))
    const rows = [row(3, T0 + 1000), row(4, T0 + 2000)]

    const inserting = () => store.insertMany(withProblem(rows))

    t.throws(inserting, { message: /is taken/ })
    t.deepEqual(idsOf(store.search()), [1])
    t.is(store.findByUuid('uuid-3'), undefined)
    t.false(store.hasKey('key-4'))
  })
}
