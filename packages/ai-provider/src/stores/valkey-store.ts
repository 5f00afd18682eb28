// Placeholder until the Valkey store lands (issue 3): the signature is the contract.
import type { AiStore } from '../store.ts'
import type { Logger, ValkeyStorageOptions } from '../types.ts'
import { AiOptionsError } from '../errors.ts'

export async function createValkeyStore (options: ValkeyStorageOptions, deps: { logger: Logger }): Promise<AiStore> {
  throw new AiOptionsError('storage.type "valkey" is not available yet')
}
