import { Cause, Duration, Effect } from "effect"
import { PreconditionFailed } from "../../domain/errors.ts"

/** What a claimant does next depends only on which of these a call ended with. */
export type CallOutcome<A> =
  | { readonly _tag: "ok"; readonly value: A }
  /** 503: StoreUnavailable or KeyUnavailable; the claimant waits and sends the same request again. */
  | { readonly _tag: "unavailable" }
  /** 412 stale-version: the claimant's ETag is not the current version. */
  | { readonly _tag: "stale" }
  /** 412 already-exists: a create found a draft. */
  | { readonly _tag: "exists" }
  /** 404, or 412 no-current-version: the draft has no current version. */
  | { readonly _tag: "not-found" }
  | { readonly _tag: "submitted" }
  /** Anything else, including defects and calls that did not return in time. */
  | { readonly _tag: "error"; readonly description: string }

/**
 * Bound on one call. Every client below has its own shorter timeouts (Redis 1 s, S3 5 s per
 * attempt, KMS 3 s per attempt), so reaching it means a call hung.
 */
const callTimeout = Duration.seconds(20)

const classify = (error: { readonly _tag: string }): CallOutcome<never> => {
  switch (error._tag) {
    case "StoreUnavailable":
    case "KeyUnavailable":
      return { _tag: "unavailable" }
    case "PreconditionFailed":
      if (!(error instanceof PreconditionFailed)) return { _tag: "stale" }
      if (error.reason === "already-exists") return { _tag: "exists" }
      return error.reason === "no-current-version" ? { _tag: "not-found" } : { _tag: "stale" }
    case "DraftNotFound":
      return { _tag: "not-found" }
    case "DraftSubmitted":
      return { _tag: "submitted" }
    default:
      return { _tag: "error", description: error._tag }
  }
}

/** Returns the first line of a defect's message. Defects of this code base carry no draft content. */
const describeDefect = (cause: Cause.Cause<unknown>): string => {
  const squashed = Cause.squash(cause)
  const text = squashed instanceof Error ? `${squashed.name}: ${squashed.message}` : String(squashed)
  return `defect ${text.split("\n")[0]?.slice(0, 200) ?? ""}`
}

/** Runs one call of the programs and reduces its result to a `CallOutcome`; it never fails. */
export const callProgram = <A, E extends { readonly _tag: string }>(
  call: Effect.Effect<A, E>
): Effect.Effect<CallOutcome<A>> =>
  call.pipe(
    Effect.timeoutFail({ duration: callTimeout, onTimeout: () => ({ _tag: "CallTimedOut" }) as const }),
    Effect.map((value): CallOutcome<A> => ({ _tag: "ok", value })),
    Effect.catchAll((error) => Effect.succeed(classify(error))),
    Effect.catchAllDefect((defect) => Effect.succeed<CallOutcome<A>>({ _tag: "error", description: describeDefect(Cause.die(defect)) }))
  )
