import { type Context, Effect } from "effect"
import type { DraftRef } from "../../programs/model.ts"
import { Drafts } from "../../programs/Drafts.ts"
import * as DataDirLock from "../filesystem/dataDirLock.ts"
import { NotDurable } from "./cliErrors.ts"
import { loadConfiguredLayer } from "./lazyModules.ts"

export type DraftsService = Context.Tag.Service<typeof Drafts>

/** Services a data command works with. */
export interface DataContext {
  readonly drafts: DraftsService
  /** True for Redis, which keeps pending writes after this process exits; false for the in-memory hot tier. */
  readonly sharedHotTier: boolean
}

/** How long a data command waits for another CLI command to release the data directory, in milliseconds. */
const lockWaitMillis = 30_000

/**
 * Persists every pending draft before the process exits, for the in-memory hot tier, whose
 * contents die with the process. A draft still pending afterwards is reported, not dropped
 * in silence.
 */
const persistBeforeExit = (drafts: DraftsService) =>
  Effect.gen(function* () {
    yield* drafts.persistAll
    const pending = yield* drafts.pendingCount
    if (pending > 0) {
      return yield* new NotDurable({ subject: `${pending} pending draft${pending === 1 ? "" : "s"}`, retained: false })
    }
  })

/**
 * Runs a data command on the configured stack. With the embedded default (in-memory hot tier,
 * filesystem durable tier) it holds the data directory lock first, since a server or another
 * command would otherwise see a stale hot tier. With the in-memory hot tier it persists every
 * pending write before returning.
 */
export const withDrafts = <A, E, R>(use: (context: DataContext) => Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ConfiguredLayer = yield* loadConfiguredLayer
      const { redis, s3 } = yield* ConfiguredLayer.selection
      if (!redis && !s3) {
        yield* DataDirLock.acquire(yield* DataDirLock.directoryConfig, "cli", { waitMillis: lockWaitMillis })
      }

      const run = Effect.gen(function* () {
        const drafts = yield* Drafts
        const result = yield* use({ drafts, sharedHotTier: redis })
        if (!redis) yield* persistBeforeExit(drafts)
        return result
      })
      return yield* Effect.provide(run, ConfiguredLayer.layer)
    })
  )

/**
 * Makes the draft's current version durable now and returns it. A durable tier failure becomes
 * `NotDurable`, whose message states whether the write survives this process.
 */
export const makeDurable = (context: DataContext, ref: DraftRef, subject: string) =>
  context.drafts.flush(ref).pipe(
    Effect.catchTag("StoreUnavailable", (error) =>
      new NotDurable({ subject, retained: context.sharedHotTier, detail: error.message })
    )
  )
