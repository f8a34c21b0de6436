// `npm run test:browser`: the docs page in Debian's chromium. Kept apart from `npm test`
// (package.json's "ava" key), which must pass on a machine without a browser.
export default {
  files: ['test/**/*.browser.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '120s',
}
