// client_secret and access_token are write-only: once written (by JSON, form or query string,
// on create and update) they never come back, in any answer, header, error or log line, and
// fulltext cannot find them. Every answer and every log line of the run is kept and searched.
import { Writable } from 'node:stream'

import test, { type ExecutionContext } from 'ava'

import { createMockServer, type MockServer } from '../src/server.ts'
import { COLUMNS_SCHEMA } from '../src/oauth-connections/shape.ts'
import { loadSpec } from '../src/spec/spec.ts'
import { API, describe, send, type Received, type Sent } from './_client.ts'

// Distinctive, so that a hit cannot be chance; the fragments catch a secret cut short.
const SECRET = 'cs-7Q4vZ-client-secret-Xk29'
const TOKEN = 'at-9Lm2W-access-token-Rb71'
/** A secret the client got wrong: a number where text belongs. */
const NUMERIC_SECRET = 86_753_091_234
const NEEDLES = [SECRET, TOKEN, String(NUMERIC_SECRET), '7Q4vZ', 'Xk29', '9Lm2W', 'Rb71']

const COLUMNS = Object.keys(loadSpec().properties(COLUMNS_SCHEMA))
const BODY_LIMIT = 1024 * 1024

interface Capture {
  where: string
  text: string
}

/** Everything a client or an operator could see: answers, their headers, and the log. */
class Witness {
  readonly captures: Capture[] = []
  readonly log = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.captures.push({ where: 'log', text: chunk.toString('utf8') })
      done()
    },
  })

  keep(sent: Sent, answer: Received, scrub: (headers: string) => string = (same) => same) {
    const where = `${sent.method} ${sent.path.slice(0, 120)} → ${answer.status}`
    this.captures.push({ where: `${where} headers`, text: scrub(answer.rawHeaders) })
    this.captures.push({ where: `${where} body`, text: answer.text })
  }

  /** Where each needle shows up; empty when none does. */
  leaks(): string[] {
    return this.captures.flatMap((capture) =>
      NEEDLES.filter((needle) => capture.text.includes(needle)).map(
        (needle) => `${needle} in ${capture.where}: ${excerpt(capture.text, needle)}`,
      ),
    )
  }
}

function excerpt(text: string, needle: string): string {
  const at = text.indexOf(needle)
  return text.slice(Math.max(at - 80, 0), at + needle.length + 40)
}

interface Session {
  t: ExecutionContext
  base: string
  witness: Witness
  strict: boolean
  /** Ids the writes created, for the reads and the destroy. */
  ids: number[]
}

async function exchange(session: Session, sent: Sent, expected?: number): Promise<Received> {
  const answer = await send(session.base, sent)
  session.witness.keep(sent, answer)
  if (expected !== undefined) {
    session.t.is(answer.status, expected, `${sent.method} ${sent.path}: ${describe(answer)}`)
  }
  return answer
}

const json = (method: string, path: string, body: unknown): Sent => ({
  method,
  path,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const form = (method: string, path: string, body: string): Sent => ({
  method,
  path,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
})
const get = (path: string): Sent => ({ method: 'GET', path })

/** The secrets as form or query parameters, flat and wrapped in oauth_connection. */
const FLAT = `client_secret=${SECRET}&access_token=${TOKEN}`
const WRAPPED = [`client_secret%5D=${SECRET}`, `access_token%5D=${TOKEN}`]
  .map((pair) => `oauth_connection%5B${pair}`)
  .join('&')

async function startServer(witness: Witness, strict: boolean): Promise<[MockServer, string]> {
  const server = createMockServer({
    port: 0,
    logLevel: 'debug',
    logDestination: witness.log,
    strict,
  })
  return [server, await server.listen()]
}

// --- writes

async function writeSecrets(session: Session): Promise<void> {
  const flat = { client_secret: SECRET, access_token: TOKEN }
  const creates: Sent[] = [
    json('POST', API, { name: 'Secret json', ...flat }),
    json('POST', API, { oauth_connection: { name: 'Secret wrapped json', ...flat } }),
    form('POST', API, `name=Secret%20form&${FLAT}`),
    form('POST', API, `oauth_connection%5Bname%5D=Secret%20wrapped%20form&${WRAPPED}`),
    { method: 'POST', path: `${API}?name=Secret%20query&${FLAT}` },
    { method: 'POST', path: `${API}?${WRAPPED}` },
  ]
  for (const sent of creates) {
    const answer = await exchange(session, sent, 201)
    session.ids.push(answer.json?.oauth_connection?.id)
  }

  const [first, second, third] = session.ids
  await exchange(session, json('PUT', `${API}/${first}`, flat), 200)
  await exchange(session, json('PATCH', `${API}/${second}`, { oauth_connection: flat }), 200)
  await exchange(session, form('PATCH', `${API}/${third}`, FLAT), 200)
  await exchange(session, form('PUT', `${API}/${first}`, WRAPPED), 200)
  await exchange(session, { method: 'PATCH', path: `${API}/${second}?${FLAT}` }, 200)
}

// --- reads

async function readEverything(session: Session): Promise<void> {
  const lists = [
    API,
    `${API}?per_page=1000`,
    `${API}?per_page=1000&root=false`,
    `${API}?columns=${COLUMNS.join(',')}&per_page=1000`,
    ...COLUMNS.map((column) => `${API}?columns=${column}&per_page=1000`),
    `${API}?ids=${session.ids.join(',')}`,
    `${API}?fulltext=Secret&per_page=1000`,
  ]
  for (const path of lists) await exchange(session, get(path), 200)
  // Secrets sent to an operation that takes no fields: ignored, or with strict refused.
  for (const path of [`${API}?${FLAT}`, `${API}/${session.ids[0]}?${WRAPPED}`]) {
    await exchange(session, get(path), session.strict ? 422 : 200)
  }

  for (const id of session.ids) {
    const shown = await exchange(session, get(`${API}/${id}`), 200)
    await exchange(session, get(`${API}/${shown.json?.oauth_connection?.uuid}`), 200)
  }
  await exchange(session, get(`${API}/new?name=Built&${FLAT}`), 200)
  await exchange(session, get(`${API}/new?${WRAPPED}`), 200)
  await exchange(session, json('GET', `${API}/new`, { client_secret: SECRET }), 200)
  await exchange(session, { method: 'DELETE', path: `${API}/${session.ids.pop()}` }, 200)
}

/** The mock's own views of its data and traffic, where it has them. */
async function readAdmin(session: Session): Promise<void> {
  for (const path of ['/__admin/journal', '/__admin/state']) await exchange(session, get(path))
}

// --- errors

async function failOnSecrets(session: Session): Promise<void> {
  const [id] = session.ids
  const badTime = { expires_at: 'yesterday' }
  const failures: [Sent, number][] = [
    [json('POST', API, { client_secret: NUMERIC_SECRET, ...badTime }), 422],
    [json('PATCH', `${API}/${id}`, { access_token: NUMERIC_SECRET, ...badTime }), 422],
    [json('POST', API, { client_secret: [SECRET], access_token: { token: TOKEN } }), 422],
    [json('PUT', `${API}/${id}`, { oauth_connection: { client_secret: { x: SECRET } } }), 422],
    [form('POST', API, `client_secret%5B%5D=${SECRET}&expires_in=abc`), 422],
    [{ method: 'POST', path: `${API}?access_token%5Bx%5D=${TOKEN}&expires_at=soon` }, 422],
    [rawJson('POST', API, `{"client_secret": "${SECRET}", "access_token": "${TOKEN}",`), 400],
    [rawJson('PATCH', `${API}/${id}`, `{"client_secret": "${SECRET}" "x": 1}`), 400],
    [oversized('POST', API), 413],
    [oversized('PUT', `${API}/${id}`), 413],
    [{ ...form('POST', API, FLAT), headers: { 'content-type': 'text/plain' } }, 415],
    [json('PATCH', `${API}/999999`, { client_secret: SECRET, access_token: TOKEN }), 404],
    [json('POST', API, { client_secret: SECRET, expires_at: '2016-02-30' }), 422],
  ]
  for (const [sent, status] of failures) await exchange(session, sent, status)
}

function rawJson(method: string, path: string, body: string): Sent {
  return { method, path, headers: { 'content-type': 'application/json' }, body }
}

/** A JSON body just over the limit, the secrets first. */
function oversized(method: string, path: string): Sent {
  const head = `{"client_secret":"${SECRET}","access_token":"${TOKEN}","name":"`
  return rawJson(method, path, `${head}${'x'.repeat(BODY_LIMIT)}"}`)
}

/** Unknown parameters next to the secrets: strict names them, and only them. */
async function failStrictly(session: Session): Promise<void> {
  const [id] = session.ids
  await exchange(session, json('POST', API, { bogus: 1, client_secret: SECRET }), 422)
  await exchange(session, { method: 'PATCH', path: `${API}/${id}?bogus=1&${FLAT}` }, 422)
  await exchange(session, form('POST', API, `${FLAT}&oauth_connection%5Bbogus%5D=1`), 422)
}

/**
 * Searching for a secret finds nothing, so fulltext cannot confirm a guess. Last, since the
 * search text is the client's own and comes back in the list's Link header (scrubbed here).
 */
async function searchForSecrets(session: Session): Promise<void> {
  for (const text of [SECRET, TOKEN, '7Q4vZ', 'access-token']) {
    const sent = get(`${API}?fulltext=${encodeURIComponent(text)}`)
    const answer = await send(session.base, sent)
    session.witness.keep(sent, answer, (headers) => headers.split(`fulltext=${text}`).join(''))
    session.t.is(answer.status, 200, describe(answer))
    session.t.is(answer.json?.metadata?.total_count, 0, `fulltext=${text} found records`)
  }
}

async function exercise(t: ExecutionContext, strict: boolean): Promise<Witness> {
  const witness = new Witness()
  const [server, base] = await startServer(witness, strict)
  const session: Session = { t, base, witness, strict, ids: [] }
  try {
    await writeSecrets(session)
    await readEverything(session)
    await failOnSecrets(session)
    if (strict) await failStrictly(session)
    await readAdmin(session)
    await searchForSecrets(session)
    assertStored(t, server, session.ids)
  } finally {
    await server.close()
  }
  return witness
}

/** The secrets were stored, or the test proves nothing. */
function assertStored(t: ExecutionContext, server: MockServer, ids: number[]): void {
  for (const id of ids) {
    const record = server.resource.show(String(id)) as unknown as Record<string, unknown>
    t.is(record.client_secret, SECRET, `record ${id} client_secret`)
    t.is(record.access_token, TOKEN, `record ${id} access_token`)
  }
}

test('writes, reads, errors and logs never show a secret', async (t) => {
  const witness = await exercise(t, false)

  t.true(
    witness.captures.some((capture) => capture.where === 'log'),
    'no log line captured',
  )
  t.deepEqual(witness.leaks(), [])
})

test('with strict, writes, reads, errors and logs never show a secret', async (t) => {
  const witness = await exercise(t, true)

  t.deepEqual(witness.leaks(), [])
})
