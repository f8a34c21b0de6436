// Stopping: on SIGTERM the CLI stops accepting connections, answers what is in flight, and
// exits 0. A slow upload started before the signal still gets its 201.
import { request, Agent } from 'node:http'
import { connect } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

import test from 'ava'

import { startCli, stopCli, type CliServer } from './_cli.ts'
import { API } from './_client.ts'

const BODY_BYTES = 900 * 1024
const CHUNKS = 9
const CHUNK_PAUSE_MS = 150
/** After its last answer the process has this long to be gone. */
const EXIT_DEADLINE_MS = 10_000

interface Upload {
  /** Resolves with the status and body once the answer is in. */
  answered: Promise<{ status: number; body: string }>
  /** Sends the rest of the body, a chunk at a time. */
  finish(): Promise<void>
}

/** A create whose 900 KiB JSON body is announced whole and sent slowly, first chunk only. */
function startUpload(port: number, agent: Agent | false): Upload {
  const body = Buffer.from(
    JSON.stringify({ name: 'Slow upload', description: 'x'.repeat(BODY_BYTES) }),
  )
  const size = Math.ceil(body.length / CHUNKS)
  const outgoing = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: API,
    agent,
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  })
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    outgoing.once('error', reject)
    outgoing.once('response', (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
    })
  })
  outgoing.write(body.subarray(0, size))

  const finish = async () => {
    for (let start = size; start < body.length; start += size) {
      await sleep(CHUNK_PAUSE_MS)
      outgoing.write(body.subarray(start, start + size))
    }
    outgoing.end()
  }
  return { answered, finish }
}

/** Whether a new connection to the port is refused: the server has stopped listening. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

async function refusesWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await refuses(port)) return true
    await sleep(50)
  }
  return false
}

async function exitWithin(cli: CliServer, ms: number) {
  const timeout = sleep(ms).then(() => undefined)
  return Promise.race([cli.exited, timeout])
}

for (const [what, agent] of [
  ['a closing connection', false],
  ['a keep-alive connection', new Agent({ keepAlive: true })],
] as const) {
  test(`SIGTERM during a slow create on ${what} answers it 201 and exits 0`, async (t) => {
    const cli = await startCli(['--log-level', 'info', '--no-fixtures'])
    try {
      const upload = startUpload(cli.port, agent)
      await sleep(CHUNK_PAUSE_MS)
      cli.process.kill('SIGTERM')

      t.true(await refusesWithin(cli.port, 2000), 'still accepting connections after SIGTERM')
      await upload.finish()
      const answer = await upload.answered
      t.is(answer.status, 201, answer.body.slice(0, 300))
      t.is(JSON.parse(answer.body).oauth_connection?.name, 'Slow upload')

      const answeredAt = performance.now()
      const exit = await exitWithin(cli, EXIT_DEADLINE_MS)
      t.deepEqual(exit, { code: 0, signal: null }, `exit within ${EXIT_DEADLINE_MS} ms`)
      t.log(`exited ${Math.round(performance.now() - answeredAt)} ms after the answer`)
    } finally {
      if (agent) agent.destroy()
      await stopCli(cli)
    }
  })
}

// A SIGKILL in the middle of a write storm, with --state-file: test/state-file.test.ts.
