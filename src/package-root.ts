import { fileURLToPath } from 'node:url'

// This file sits one folder below the package root, and so does the bundle of the CLI
// (dist/cli.mjs) that esbuild makes of it: '..' is the root from both.
const PACKAGE_ROOT = new URL('..', import.meta.url)

/** A file shipped with the package (openapi.yaml, the fixtures), by its path from the root. */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(path, PACKAGE_ROOT))
}
