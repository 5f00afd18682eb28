// Issue 3 acceptance on one Valkey server: the multi-instance scenarios
// (multi-instance-scenarios.ts), which valkey-cluster.test.ts runs on a cluster.
import { after } from 'node:test'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { multiInstanceScenarios } from './multi-instance-scenarios.ts'

const server = await startValkeyServer()
after(() => server.close())

multiInstanceScenarios(server)
