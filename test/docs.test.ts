// The docs page and the spec routes over HTTP, without a browser (test/docs-page.browser.ts
// drives the page itself). With auth on throughout: none of them is an API route.
import test from 'ava'
import { load as parse } from 'js-yaml'

import { createMockServer, type MockServer } from '../src/server.ts'
import { readDocument } from '../src/spec/document.ts'

let server: MockServer
let baseUrl: string

test.before(async () => {
  server = createMockServer({
    port: 0,
    logLevel: 'silent',
    auth: { publicKey: 'pub', privateKey: 'priv' },
  })
  baseUrl = await server.listen()
})

test.after.always(async () => {
  await server.close()
})

test('GET /docs needs no credentials and loads the renderer from this server', async (t) => {
  const response = await fetch(`${baseUrl}/docs`)
  const html = await response.text()

  t.is(response.status, 200)
  t.regex(response.headers.get('content-type') ?? '', /^text\/html/)
  t.notRegex(html, /https?:\/\//, 'nothing from another host')

  const script = /<script src="(\/docs\/[^"]+)"/.exec(html)?.[1]
  if (!script) return t.fail('the page names no script')
  const bundle = await fetch(`${baseUrl}${script}`)
  t.is(bundle.status, 200)
  t.regex(bundle.headers.get('content-type') ?? '', /javascript/)
  t.true((await bundle.arrayBuffer()).byteLength > 100_000)
})

test('GET /openapi.json and /openapi.yaml serve the document the server loaded', async (t) => {
  const json = await fetch(`${baseUrl}/openapi.json`)
  const yaml = await fetch(`${baseUrl}/openapi.yaml`)

  t.is(json.status, 200)
  t.is(yaml.status, 200)
  t.regex(yaml.headers.get('content-type') ?? '', /^application\/yaml/)
  t.deepEqual(await json.json(), readDocument())
  t.deepEqual(parse(await yaml.text()), readDocument())
})

test('the docs routes answer 405 to a write and 404 to an unknown path under /docs', async (t) => {
  const write = await fetch(`${baseUrl}/openapi.json`, { method: 'POST' })
  t.is(write.status, 405)
  t.is(write.headers.get('allow'), 'GET, HEAD')
  t.is((await write.json()).status, 405)

  const unknown = await fetch(`${baseUrl}/docs/nothing-here`)
  t.is(unknown.status, 404)
  t.is((await unknown.json()).status, 404)
})

test('the API itself still needs credentials', async (t) => {
  const response = await fetch(`${baseUrl}/api/v1/oauth_connections`)
  t.is(response.status, 401)
})
