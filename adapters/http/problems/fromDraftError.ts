import { Effect } from "effect"
import type {
  DraftError,
  DraftNotFound,
  DraftSubmitted,
  DraftTooLarge,
  IntegrityFailure,
  InvalidDocument,
  InvalidId,
  KeyUnavailable,
  PreconditionFailed,
  PreconditionRequired,
  StoreUnavailable
} from "../../../domain/errors.ts"
import {
  type BadRequestProblem,
  type ConflictProblem,
  type ContentTooLargeProblem,
  type InternalErrorProblem,
  makeProblem,
  type NotFoundProblem,
  type PreconditionFailedProblem,
  type PreconditionRequiredProblem,
  type ServiceUnavailableProblem
} from "./Problem.ts"
import { makeLogThrottle, unavailableLogWindowMillis } from "./logThrottle.ts"
import { setResponseHeader } from "./responseHeaders.ts"

/** Log items for an optional cause, so an absent one does not print as "undefined". */
const causeItems = (cause: unknown): ReadonlyArray<unknown> => (cause === undefined ? [] : [cause])

const throttled = makeLogThrottle(unavailableLogWindowMillis)

const retryAfter = (seconds: number) => setResponseHeader("retry-after", String(Math.max(1, Math.ceil(seconds))))

/** The problem each draft error maps to, so the compiler checks that each endpoint declares what it can return. */
export type ProblemForDraftError<E> = E extends InvalidId | InvalidDocument
  ? BadRequestProblem
  : E extends DraftNotFound
    ? NotFoundProblem
    : E extends DraftSubmitted
      ? ConflictProblem
      : E extends PreconditionFailed
        ? PreconditionFailedProblem
        : E extends PreconditionRequired
          ? PreconditionRequiredProblem
          : E extends DraftTooLarge
            ? ContentTooLargeProblem
            : E extends IntegrityFailure
              ? InternalErrorProblem
              : E extends KeyUnavailable | StoreUnavailable
                ? ServiceUnavailableProblem
                : never

/**
 * Fails with the problem a draft program's error maps to. The detail is the error's
 * message, which names the field and rule and never a draft value. Server-side failures are
 * logged here without ids (the programs log the draft key digest where they know it), and
 * 503 warnings at most once per window, so an outage does not flood the log.
 */
export const failWithProblem = <E extends DraftError>(error: E): Effect.Effect<never, ProblemForDraftError<E>> =>
  failWithAnyProblem(error) as Effect.Effect<never, ProblemForDraftError<E>>

const failWithAnyProblem = (error: DraftError) => {
  switch (error._tag) {
    case "InvalidId":
      return Effect.fail(makeProblem("invalid-id", error.message))
    case "InvalidDocument":
      return Effect.fail(makeProblem("invalid-document", error.message))
    case "DraftNotFound":
      return Effect.fail(makeProblem("not-found", error.message))
    case "DraftSubmitted":
      return Effect.fail(makeProblem("draft-submitted", error.message))
    case "PreconditionFailed":
      return Effect.fail(makeProblem("precondition-failed", error.message))
    case "PreconditionRequired":
      return Effect.fail(makeProblem("precondition-required", error.message))
    case "DraftTooLarge":
      return Effect.fail(makeProblem("content-too-large", error.message))
    case "IntegrityFailure":
      return Effect.logError("A stored draft failed its integrity check; the request got 500.").pipe(
        Effect.annotateLogs({ reason: error.reason }),
        Effect.zipRight(Effect.fail(makeProblem("integrity-failure", error.message)))
      )
    case "KeyUnavailable":
      return throttled(
        `key:${error.method}`,
        Effect.logWarning("The key service failed; the request got 503.", ...causeItems(error.cause)).pipe(
          Effect.annotateLogs({ method: error.method })
        )
      ).pipe(
        Effect.zipRight(retryAfter(error.retryAfterSeconds)),
        Effect.zipRight(Effect.fail(makeProblem("key-unavailable", error.message)))
      )
    case "StoreUnavailable":
      return throttled(
        `store:${error.tier}:${error.method}`,
        Effect.logWarning("A store failed; the request got 503.", ...causeItems(error.cause)).pipe(
          Effect.annotateLogs({ tier: error.tier, method: error.method })
        )
      ).pipe(
        Effect.zipRight(retryAfter(error.retryAfterSeconds)),
        Effect.zipRight(Effect.fail(makeProblem("store-unavailable", error.message)))
      )
  }
}
