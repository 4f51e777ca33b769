import { Effect } from "effect"
import type { DraftError } from "../../../domain/errors.ts"
import type { WriteConflict } from "../../../programs/writeRecord.ts"
import type { BodyAborted } from "../request/readBody.ts"
import { failWithProblem, type ProblemForDraftError } from "./fromDraftError.ts"
import { type BadRequestProblem, type ConflictProblem, isProblem, makeProblem, type Problem } from "./Problem.ts"

/** Failures a draft handler may end with before they become problem responses. */
export type HandlerFailure = Problem | DraftError | BodyAborted | WriteConflict

/** The problem each handler failure becomes. */
export type ProblemForFailure<E> = E extends Problem
  ? E
  : E extends BodyAborted
    ? BadRequestProblem
    : E extends WriteConflict
      ? ConflictProblem
      : ProblemForDraftError<E>

/** Turns every expected failure of a draft handler into its problem; defects pass through. */
export const toProblem = <A, E extends HandlerFailure, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, ProblemForFailure<E>, R> =>
  Effect.catchAll(effect, (error: HandlerFailure): Effect.Effect<never, Problem> => {
    if (isProblem(error)) return Effect.fail(error)
    if (error._tag === "BodyAborted") {
      return Effect.fail(makeProblem("invalid-document", `The request body is invalid: ${error.reason}.`))
    }
    if (error._tag === "WriteConflict") {
      // Only deleting all drafts lets this escape, after its retries lose to concurrent saves.
      return Effect.fail(
        makeProblem("write-conflict", "Concurrent saves kept replacing a draft during the request; retry it.")
      )
    }
    return failWithProblem(error)
  }) as Effect.Effect<A, ProblemForFailure<E>, R>
