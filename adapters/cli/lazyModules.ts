import { Effect } from "effect"

/**
 * Modules that only running commands need, loaded on first use. The adapters behind them
 * (AWS SDK clients, ioredis, the HTTP server) take longer to load than the rest of the CLI
 * together, which `--help` and usage errors should not pay.
 */

export const loadConfiguredLayer = Effect.promise(() => import("../configuredLayer.ts"))

export const loadServerStack = Effect.promise(() => import("../http/serverStack.ts"))

export const loadStoreSetup = Effect.promise(() => import("./storeSetup.ts"))

export const loadTokenIssuer = Effect.promise(() => import("./tokenIssuer.ts"))
