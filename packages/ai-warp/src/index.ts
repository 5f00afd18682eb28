// @platformatic/ai-warp: a Platformatic Watt capability wrapping @platformatic/fastify-ai.
// Loaded by Watt with require(): no top-level await and no default export (see docs/architecture.md).

import { relative, resolve } from 'node:path'
import type { ConfigurationOptions } from '@platformatic/foundation'
import { loadConfiguration } from '@platformatic/foundation'
import type { PlatformaticServiceConfig, ServiceCapability, ServiceConfiguration } from '@platformatic/service'
import { create as createService, transform as serviceTransform } from '@platformatic/service'
import { fastifyAiServerOptions } from '@platformatic/fastify-ai'
import { aiWarp } from './lib/application.ts'
import type { AiWarpSections } from './lib/application.ts'
import { configurationError } from './lib/config-errors.ts'
import { schema } from './lib/schema.ts'
import { listenForStartUpFailures, stopStartUp } from './lib/start-up-failure.ts'

// Watt imports this module in its main thread too: there a worker's configuration error ends
// start-up (lib/start-up-failure.ts).
listenForStartUpFailures()

/**
 * Config migrations of ai-warp itself. The service's own migrations must not run on an ai-warp
 * config: they would read ai-warp's version from `$schema` as a service version.
 */
async function upgrade (_logger: unknown, config: unknown): Promise<unknown> {
  return config
}

/** The address a gateway binds when the configuration names none: this machine only. */
const DEFAULT_HOSTNAME = '127.0.0.1'

/**
 * The service's config transform, except for the address: @platformatic/service replaces
 * `server.hostname` with 0.0.0.0 whenever it finds itself in a container (/.dockerenv), which put
 * an unauthenticated gateway holding real keys on the network although its config said
 * 127.0.0.1. ai-warp binds the configured hostname, and 127.0.0.1 when there is none; exposing
 * it is the user's choice (docs/deployment.md).
 */
async function transform (config: ServiceConfiguration, schema?: object, options?: ConfigurationOptions): Promise<ServiceConfiguration> {
  const hostname = config.server?.hostname
  const transformed = await serviceTransform(config, schema, options)
  // An empty placeholder (`PLT_SERVER_HOSTNAME=`) is no hostname.
  if (transformed.server !== undefined) transformed.server.hostname = hostname || DEFAULT_HOSTNAME
  return transformed
}

/**
 * The configuration a validation error is about, for the values its message quotes: the object
 * given, or the file read again with its placeholders filled. Undefined when it cannot be had.
 */
async function configurationOf (root: string | object, source: string | object | undefined): Promise<{ config: unknown, where: string }> {
  if (typeof source === 'object') return { config: source, where: 'the configuration' }
  if (typeof root === 'object') return { config: root, where: 'the configuration' }
  if (typeof source !== 'string') return { config: undefined, where: `the configuration in ${root}` }
  const file = resolve(root, source)
  const where = relative(process.cwd(), file) || file
  try {
    return { config: await loadConfiguration(file, undefined, { root, replaceEnv: true }), where }
  } catch {
    return { config: undefined, where }
  }
}

/**
 * Build the capability from a directory and a config (a file path, or an object).
 * Watt calls it as `create(applicationDir, configFile, runtimeContext)`. A configuration error
 * (AI_OPTIONS_INVALID, one line per problem) stops a Watt start-up once, with exit code 1.
 */
export async function create (
  root: string | object,
  source?: string | object,
  context?: ConfigurationOptions
): Promise<ServiceCapability> {
  let capability: ServiceCapability
  try {
    capability = await createService(root as string | PlatformaticServiceConfig, source as string | PlatformaticServiceConfig, {
      schema,
      upgrade,
      transform,
      applicationFactory: aiWarp,
      ...context
    } as ConfigurationOptions)
    // Options no `server` key can carry (a function, Node's http options): ServiceCapability spreads
    // `fastifyOptions` into the options of the Fastify it builds at init.
    const { ai } = capability.config as unknown as AiWarpSections
    capability.fastifyOptions = { ...capability.fastifyOptions, ...fastifyAiServerOptions(ai) }
  } catch (error) {
    const { config, where } = await configurationOf(root, source)
    throw await stopStartUp(configurationError(error, config, schema, where) as Error)
  }
  // What only the core can check (a model's provider not configured, auth without a key…) fails at init.
  const init = capability.init.bind(capability)
  capability.init = async function initOrStop (): Promise<void> {
    try {
      await init()
    } catch (error) {
      throw await stopStartUp(error as Error)
    }
  }
  return capability
}

export { aiWarp } from './lib/application.ts'
export type { AiWarpSections } from './lib/application.ts'
export type { AuthOptions, JwksOptions } from './lib/auth.ts'
export type { CallerRateLimitOptions } from './lib/caller-rate-limit.ts'
export { Generator } from './lib/generator.ts'
export { packageJson, schema, schemaComponents, version } from './lib/schema.ts'
export { skipTelemetryHooks } from '@platformatic/service'
