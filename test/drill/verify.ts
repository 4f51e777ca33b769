import { Duration, Effect } from "effect"
import { callProgram } from "./calls.ts"
import { canonicalJson, type DraftLedger, type Ledger, type Observation } from "./ledger.ts"
import { type DraftsService, type DrillTimings, type StackEndpoints, startInstance } from "./stack.ts"

/** Loads one draft, retrying 503s; the read is not a durability report, so `durable` is false. */
const finalRead = (drafts: DraftsService, ledger: Ledger, draft: DraftLedger, source: string) =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 10; attempt++) {
      const outcome = yield* callProgram(drafts.load({ owner: draft.owner, draftId: draft.draftId }))
      switch (outcome._tag) {
        case "ok": {
          const content = canonicalJson(JSON.parse(outcome.value.document))
          return { _tag: "found", etag: outcome.value.etag, content, durable: false } satisfies Observation
        }
        case "not-found":
          return { _tag: "not-found" } satisfies Observation
        case "unavailable":
          yield* Effect.sleep(Duration.millis(300))
          continue
        default:
          ledger.recordError(draft, `${source} load ended with ${outcome._tag === "error" ? outcome.description : outcome._tag}`)
          return undefined
      }
    }
    ledger.recordError(draft, `${source} load kept answering 503`)
    return undefined
  })

const describe = (observation: Observation): string =>
  observation._tag === "found" ? observation.etag : "no draft"

/**
 * Reads every draft of the ledger twice, from new instances built as new processes would be:
 * one over the same Redis and S3, and one over S3 alone (an empty in-memory hot tier). Both
 * reads must satisfy the ledger, and after persistAll both must return the same version.
 */
export const verifyFromFreshStacks = (ledger: Ledger, endpoints: StackEndpoints, timings: DrillTimings) =>
  Effect.scoped(
    Effect.gen(function* () {
      const fresh = yield* startInstance(endpoints, timings, { writeBehind: false })
      const s3Alone = yield* startInstance(endpoints, timings, { writeBehind: false, hotTier: "memory" })

      for (const draft of ledger.drafts) {
        const viaFresh = yield* finalRead(fresh, ledger, draft, "fresh instance")
        const viaS3 = yield* finalRead(s3Alone, ledger, draft, "S3 alone")
        if (viaFresh !== undefined) ledger.observe(draft, viaFresh, "fresh instance")
        if (viaS3 !== undefined) ledger.observe(draft, viaS3, "S3 alone")

        if (viaFresh !== undefined && viaS3 !== undefined && describe(viaFresh) !== describe(viaS3)) {
          ledger.recordError(
            draft,
            `after persistAll a fresh instance reads ${describe(viaFresh)} but S3 alone holds ${describe(viaS3)}`
          )
        }
      }
    })
  )
