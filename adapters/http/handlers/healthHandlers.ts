import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { Duration, Effect, Layer } from "effect"
import { StoreUnavailable } from "../../../domain/errors.ts"
import { DurableStore } from "../../../programs/ports/DurableStore.ts"
import { HotStore } from "../../../programs/ports/HotStore.ts"
import { ClaimDraftsApi } from "../api/ClaimDraftsApi.ts"
import { makeProblem } from "../problems/Problem.ts"
import { setResponseHeader } from "../problems/responseHeaders.ts"

/** Time each tier may take to respond to a readiness probe. */
const probeTimeout = Duration.seconds(2)

/**
 * Seconds an orchestrator should wait before probing again after a failure. Both the
 * Retry-After header and the problem detail state this number, not the failed store's own hint.
 */
const notReadyRetryAfterSeconds = 5

/** A prefix no draft path has (draft paths start with a digest), so the listing stays empty and cheap. */
const probePrefix = "readiness-probe/"

const timedOut = (tier: StoreUnavailable["tier"], method: string) =>
  new StoreUnavailable({ tier, method: `${method} (readiness probe timed out)`, retryAfterSeconds: notReadyRetryAfterSeconds })

const notReadyDetail = (error: StoreUnavailable): string =>
  `The ${error.tier} store failed during ${error.method}, so the instance is not ready; retry after ${notReadyRetryAfterSeconds} s.`

export const layer: Layer.Layer<HttpApiGroup.ApiGroup<"claim-drafts", "health">, never, HotStore | DurableStore> =
  HttpApiBuilder.group(ClaimDraftsApi, "health", (handlers) =>
    Effect.gen(function* () {
      const hot = yield* HotStore
      const durable = yield* DurableStore

      const probeHot = hot.pendingCount.pipe(
        Effect.timeoutFail({ duration: probeTimeout, onTimeout: () => timedOut("hot", "pendingCount") })
      )
      const probeDurable = durable.list(probePrefix, 1).pipe(
        Effect.timeoutFail({ duration: probeTimeout, onTimeout: () => timedOut("durable", "list") })
      )

      return handlers
        .handle("healthz", () => Effect.succeed({ status: "ok" as const }))
        .handle("readyz", () =>
          Effect.all([probeHot, probeDurable], { concurrency: 2 }).pipe(
            Effect.as({ status: "ready" as const }),
            Effect.catchAll((error) =>
              Effect.logWarning("A readiness probe failed.").pipe(
                Effect.annotateLogs({ tier: error.tier, method: error.method }),
                Effect.zipRight(setResponseHeader("retry-after", String(notReadyRetryAfterSeconds))),
                Effect.zipRight(Effect.fail(makeProblem("not-ready", notReadyDetail(error))))
              )
            )
          )
        )
    })
  )
