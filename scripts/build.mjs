// `npm start` runs this first: one ES module bundle of the CLI and its dependencies in
// dist/cli.mjs, so that the server starts without compiling TypeScript or resolving hundreds
// of modules (about half a second saved on every start). Plain JavaScript, so node runs it
// as it is.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Bundled CommonJS dependencies still call require(); give the bundle one.
  banner: {
    js:
      "import { createRequire as bundleRequire } from 'node:module'\n" +
      'const require = bundleRequire(import.meta.url)',
  },
})
