export { createMockServer, DEFAULT_CONFIG, type MockConfig, type MockServer } from './server.ts'
export { loadSpec, type Spec } from './spec/spec.ts'
