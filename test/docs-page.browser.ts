// The docs page in a real browser: `npm run test:browser`, not part of `npm test`, because it
// needs Debian's chromium (`apt-get install chromium`); playwright-core never downloads one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import test from 'ava'
import type { OpenAPIV3_1 } from 'openapi-types'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

import { createMockServer, type MockServer } from '../src/server.ts'
import { ADMIN_SPEC_FILE } from '../src/http/admin.ts'
import { readDocument } from '../src/spec/document.ts'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const SCREENSHOT = fileURLToPath(new URL('../docs/docs-page.png', import.meta.url))
const LIST_OPERATION = 'listOauthConnections'
/** The page renders in a second or two; a slow CI machine gets more. */
const WAIT_MS = 30_000

interface DocumentedOperation {
  operationId: string
  method: string
  path: string
  summary: string
}

let server: MockServer
let baseUrl: string
let userDataDir: string
let context: BrowserContext
let page: Page
/** Every request the page made to anything but the mock: there must be none. */
const external: string[] = []

test.before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No ${CHROMIUM}: install Debian's with apt-get install -y chromium`)
  }
  server = createMockServer({ port: 0, logLevel: 'silent' })
  baseUrl = await server.listen()
  userDataDir = mkdtempSync(join(tmpdir(), 'docs-page-chromium-'))
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  })
  // Anything off the mock's origin is refused and noted, so a page that needs the internet
  // fails here instead of working only on a connected machine.
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (new URL(url).origin === baseUrl) return route.continue()
    external.push(url)
    return route.abort()
  })
  page = context.pages()[0] ?? (await context.newPage())
})

test.after.always(async () => {
  await context?.close()
  await server?.close()
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
})

test.serial('the docs page lists every operation of the spec by its summary', async (t) => {
  const response = await page.goto(`${baseUrl}/docs`)
  t.is(response?.status(), 200)

  const operations = documentedOperations()
  t.true(operations.length >= 6, 'list, new, create, show, update and destroy')
  for (const { summary } of operations) {
    const entry = page.getByText(summary, { exact: true }).first()
    await entry.waitFor({ state: 'visible', timeout: WAIT_MS })
    t.pass(`shows ${summary}`)
  }

  mkdirSync(dirname(SCREENSHOT), { recursive: true })
  await page.screenshot({ path: SCREENSHOT })
})

test.serial('the page sends "try it" requests to this mock and shows the answer', async (t) => {
  const list = documentedOperations().find((each) => each.operationId === LIST_OPERATION)
  if (!list) return t.fail(`openapi.yaml has no ${LIST_OPERATION}`)

  await page
    .getByRole('button', { name: `Test Request (${list.method} ${list.path})`, exact: true })
    .click({ timeout: WAIT_MS })
  const answered = page.waitForResponse((response) => isRequestTo(response.url(), list.path))
  await page.getByRole('button', { name: /^Send .* request to / }).click({ timeout: WAIT_MS })

  const response = await answered
  t.is(response.status(), 200)
  t.is(new URL(response.url()).origin, baseUrl, 'the server of the page is the mock itself')
  await page.getByRole('dialog').getByText('200 OK').waitFor({ timeout: WAIT_MS })
  t.pass('the page shows 200 OK')
})

test.serial('the admin API has its own docs page, linked from the main one', async (t) => {
  await page.goto(`${baseUrl}/docs`)
  await page
    .locator('a[href="/docs/admin"]')
    .first()
    .waitFor({ state: 'attached', timeout: WAIT_MS })

  const response = await page.goto(`${baseUrl}/docs/admin`)

  t.is(response?.status(), 200)
  for (const summary of adminSummaries()) {
    await page.getByText(summary, { exact: true }).first().waitFor({ timeout: WAIT_MS })
    t.pass(`shows ${summary}`)
  }
})

test.serial('the page fetched nothing from the internet', (t) => {
  t.deepEqual(external, [])
})

/** Summaries come from the spec, as the renderer shows them. */
function documentedOperations(): DocumentedOperation[] {
  const operations: DocumentedOperation[] = []

  for (const [path, item] of Object.entries(readDocument().paths ?? {})) {
    for (const [method, value] of Object.entries(item ?? {})) {
      const operation = value as OpenAPIV3_1.OperationObject
      if (!operation?.operationId || !operation.summary) continue
      const { operationId, summary } = operation
      operations.push({ operationId, method, path, summary })
    }
  }
  return operations
}

function adminSummaries(): string[] {
  const admin = readDocument(ADMIN_SPEC_FILE)
  return Object.values(admin.paths ?? {}).flatMap((item) =>
    Object.values(item ?? {}).map(
      (operation) => (operation as OpenAPIV3_1.OperationObject).summary ?? '',
    ),
  )
}

function isRequestTo(url: string, path: string): boolean {
  return new URL(url).pathname === path
}
