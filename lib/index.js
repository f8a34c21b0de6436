// The package's entry for other projects: the source is TypeScript, which Node 20 cannot
// import by itself, so tsx compiles it here, for this import only (no loader is registered
// for the rest of the importing process).
import { tsImport } from 'tsx/esm/api'

const library = await tsImport('../src/index.ts', import.meta.url)

export const { createMockServer, DEFAULT_CONFIG, loadSpec } = library
