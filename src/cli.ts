import pretty from 'pino-pretty'

import { readConfig } from './config.ts'
import { createMockServer } from './server.ts'

const API_PATH = '/api/v1/oauth_connections'

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2))
  // People watching a terminal get readable lines; pipes and files get JSON, one per line.
  const logDestination = process.stdout.isTTY ? pretty({ colorize: true }) : undefined
  const server = createMockServer({ ...config, logDestination })
  const url = await server.listen()

  server.logger.info({ url: `${url}${API_PATH}` }, `listening on ${url}${API_PATH}`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.logger.info({ signal }, 'stopping')
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
}

main().catch((error: Error) => {
  console.error(`oauth-connections-mock: ${error.message}`)
  process.exit(1)
})
