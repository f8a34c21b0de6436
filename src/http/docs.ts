import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import type { Context, Middleware, Next } from 'koa'
import { dump, load } from 'js-yaml'

import type { Document } from '../spec/document.ts'
import { ADMIN_SPEC_FILE } from './admin.ts'
import type { Spec } from '../spec/spec.ts'

// The docs page and the spec are not API routes: they are mounted before auth, and show only
// the spec, never a stored record, so no secret can reach them.

const RENDERER_MODULE = '@scalar/api-reference/browser/standalone.js'
const RENDERER_PATH = '/docs/api-reference.js'
const ADMIN_SPEC_PATH = '/docs/admin/openapi.json'
const READ_METHODS = new Set(['GET', 'HEAD'])
/** The page asks for the bundle with its hash in the query, so a browser may keep each one. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

interface Asset {
  type: string
  body: string | Buffer
  cacheControl?: string
}

interface Bundle {
  body: Buffer
  hash: string
}

/**
 * `GET /docs`: an interactive reference of the spec the server loaded, whose "try it" requests
 * go to this server; `GET /openapi.json` and `GET /openapi.yaml`: that spec. Everything is
 * served from this process and node_modules: the page fetches nothing from the internet.
 */
export function docsRoutes(spec: Spec): Middleware {
  const assets = docsAssets(spec.document)

  return async function serveDocs(ctx: Context, next: Next): Promise<void> {
    const asset = assets.get(ctx.path)

    if (!asset) {
      // Nothing else lives under /docs/: a 404 from here, not a 401 from the auth further on.
      if (ctx.path.startsWith('/docs/')) ctx.status = 404
      else await next()
    } else if (!READ_METHODS.has(ctx.method)) {
      // An empty 405 with Allow: the error envelope writes the body.
      ctx.set('Allow', 'GET, HEAD')
      ctx.status = 405
    } else {
      const { type, body, cacheControl } = asset()
      ctx.type = type
      if (cacheControl) ctx.set('Cache-Control', cacheControl)
      ctx.body = body
    }
  }
}

/** Each asset is made on its first request: most servers, the tests' among them, serve none. */
function docsAssets(document: Document): Map<string, () => Asset> {
  const page = once(() => ({
    type: 'text/html; charset=utf-8',
    body: docsPage(document, '/openapi.json', rendererBundle().hash),
  }))
  const adminDocument = once(() => load(readFileSync(ADMIN_SPEC_FILE, 'utf8')) as Document)
  const adminPage = once(() => ({
    type: 'text/html; charset=utf-8',
    body: docsPage(adminDocument(), ADMIN_SPEC_PATH, rendererBundle().hash),
  }))

  return new Map<string, () => Asset>([
    ['/docs', page],
    ['/docs/', page],
    // The mock's own admin API, from admin.openapi.yaml; openapi.yaml's description links here.
    ['/docs/admin', adminPage],
    [
      ADMIN_SPEC_PATH,
      once(() => ({ type: 'application/json', body: JSON.stringify(adminDocument(), null, 2) })),
    ],
    [
      RENDERER_PATH,
      () => ({ type: 'text/javascript', body: rendererBundle().body, cacheControl: IMMUTABLE }),
    ],
    [
      '/openapi.json',
      once(() => ({ type: 'application/json', body: JSON.stringify(document, null, 2) })),
    ],
    [
      '/openapi.yaml',
      once(() => ({ type: 'application/yaml; charset=utf-8', body: yamlOf(document) })),
    ],
  ])
}

/**
 * Close to how openapi.yaml is written: long text as `|` blocks, never folded, and no anchors
 * or aliases, which some YAML readers refuse.
 */
function yamlOf(document: Document): string {
  return dump(document, { noRefs: true, lineWidth: -1 })
}

/** Kept for the process's life: the same for every server in it. */
let bundle: Bundle | undefined

function rendererBundle(): Bundle {
  if (!bundle) {
    const body = readFileSync(createRequire(import.meta.url).resolve(RENDERER_MODULE))
    bundle = { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) }
  }
  return bundle
}

/**
 * The page's server is `location.origin`, not the spec's `servers` entry, so that "try it"
 * reaches this very server on whatever host and port it runs. Default fonts, telemetry and the
 * AI agent are off: each would fetch from the renderer's own hosts.
 */
function docsPage(document: Document, specPath: string, rendererHash: string): string {
  const title = escapeHtml(`${document.info?.title ?? 'API'} — mock server docs`)
  const options = {
    url: specPath,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
  }

  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${RENDERER_PATH}?v=${rendererHash}"></script>
    <script>
      const options = ${JSON.stringify(options)}
      options.servers = [{ url: location.origin, description: 'This mock server' }]
      Scalar.createApiReference('#app', options)
    </script>
  </body>
</html>
`
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  }
  return text.replace(/[&<>"']/g, (character) => entities[character])
}

function once<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}
