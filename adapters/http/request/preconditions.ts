import type { Headers } from "@effect/platform"
import { Effect } from "effect"
import { PreconditionRequired } from "../../../domain/errors.ts"
import { Create, type Precondition, Replace } from "../../../programs/model.ts"
import {
  type BadRequestProblem,
  makeProblem,
  type PreconditionFailedProblem,
  type PreconditionRequiredProblem
} from "../problems/Problem.ts"
import { parseEntityTagList } from "./entityTags.ts"

/**
 * Reads the conditional headers of a write. ETags compare strongly (RFC 9110 section 8.8.3.2):
 * a weak tag never matches, so it fails with 412 without reaching the draft.
 * `If-Match: *` is rejected with 428: it would let two tabs overwrite each other, which is
 * what the precondition exists to prevent.
 */

const anyRejected = makeProblem(
  "precondition-required",
  "If-Match: * names no version, so two tabs could overwrite each other: send If-Match with the draft's current ETag, or If-None-Match: * to create."
)

const weakRejected = makeProblem(
  "precondition-failed",
  "If-Match names a weak ETag (W/...), which never matches: send the strong ETag from the draft's ETag header."
)

const malformed = (header: string) =>
  makeProblem(
    "invalid-header",
    `${header} is invalid: it must be * or one entity tag in double quotes, such as "1777886401377-1777885964120-dV3mK9pQx2Lw8Rt4Z".`
  )

type IfMatch = { readonly _tag: "Absent" } | { readonly _tag: "Any" } | { readonly _tag: "Strong"; readonly etag: string }

/** Reads If-Match as one strong ETag, `*` or absent. A weak tag fails with 412, anything else with 400. */
const readIfMatch = (headers: Headers.Headers): Effect.Effect<IfMatch, BadRequestProblem | PreconditionFailedProblem> => {
  const value = headers["if-match"]
  if (value === undefined) return Effect.succeed({ _tag: "Absent" })

  const parsed = parseEntityTagList(value)
  if (parsed._tag === "Any") return Effect.succeed({ _tag: "Any" })
  if (parsed._tag === "Malformed") return Effect.fail(malformed("If-Match"))

  if (parsed.tags.length > 1) {
    return Effect.fail(
      makeProblem("invalid-header", "If-Match is invalid: it must name exactly one ETag, the version the write replaces.")
    )
  }
  const [only] = parsed.tags
  return only!.weak ? Effect.fail(weakRejected) : Effect.succeed({ _tag: "Strong", etag: only!.tag })
}

const rejectIfNoneMatch = (headers: Headers.Headers, endpoint: string): Effect.Effect<void, BadRequestProblem> =>
  headers["if-none-match"] === undefined
    ? Effect.void
    : Effect.fail(
        makeProblem("invalid-header", `If-None-Match is not accepted by ${endpoint}: send If-Match with the draft's current ETag.`)
      )

/** Reads the precondition of a PUT: `If-None-Match: *` creates and `If-Match: "<etag>"` replaces that version. One of them is required. */
type WritePreconditionFailure =
  | BadRequestProblem
  | PreconditionFailedProblem
  | PreconditionRequiredProblem
  | PreconditionRequired

export const savePrecondition = (headers: Headers.Headers): Effect.Effect<Precondition, WritePreconditionFailure> =>
  Effect.gen(function* () {
    const ifMatch = yield* readIfMatch(headers)
    const ifNoneMatch = headers["if-none-match"]

    if (ifNoneMatch !== undefined) {
      if (ifMatch._tag !== "Absent") {
        return yield* Effect.fail(makeProblem("invalid-header", "Send either If-Match (replace) or If-None-Match: * (create), not both."))
      }
      if (ifNoneMatch.trim() !== "*") {
        return yield* Effect.fail(
          makeProblem(
            "invalid-header",
            "If-None-Match is invalid: only * is accepted (create if absent); to replace a version send If-Match with its ETag."
          )
        )
      }
      return Create
    }

    if (ifMatch._tag === "Any") return yield* Effect.fail(anyRejected)
    if (ifMatch._tag === "Absent") return yield* new PreconditionRequired()
    return Replace(ifMatch.etag)
  })

/** Reads the precondition of a PATCH or a submit, which require `If-Match: "<etag>"`. */
export const replacePrecondition = (
  headers: Headers.Headers,
  endpoint: string
): Effect.Effect<Precondition, WritePreconditionFailure> =>
  Effect.gen(function* () {
    yield* rejectIfNoneMatch(headers, endpoint)
    const ifMatch = yield* readIfMatch(headers)

    if (ifMatch._tag === "Any") return yield* Effect.fail(anyRejected)
    if (ifMatch._tag === "Absent") return yield* new PreconditionRequired()
    return Replace(ifMatch.etag)
  })

/** Reads the optional `If-Match` of a DELETE. Absent or `*` deletes whatever version is current. */
export const deleteEtag = (
  headers: Headers.Headers
): Effect.Effect<string | undefined, BadRequestProblem | PreconditionFailedProblem> =>
  Effect.gen(function* () {
    yield* rejectIfNoneMatch(headers, "DELETE")
    const ifMatch = yield* readIfMatch(headers)
    return ifMatch._tag === "Strong" ? ifMatch.etag : undefined
  })
