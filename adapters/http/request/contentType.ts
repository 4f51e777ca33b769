import type { HttpServerRequest } from "@effect/platform"
import { Effect } from "effect"
import { makeProblem, type UnsupportedMediaTypeProblem } from "../problems/Problem.ts"

/** Returns the media type of a Content-Type value, lowercased and without parameters. */
const mediaTypeOf = (value: string): string => value.split(";")[0]!.trim().toLowerCase()

/** Returns the charset parameter, if any. JSON is UTF-8 (RFC 8259), so no other charset is accepted. */
const charsetOf = (value: string): string | undefined => {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value)
  return match?.[1]?.toLowerCase()
}

/** Fails with 415 unless the request's Content-Type is `expected`, optionally with charset=utf-8. */
export const requireContentType = (
  request: HttpServerRequest.HttpServerRequest,
  expected: string
): Effect.Effect<void, UnsupportedMediaTypeProblem> => {
  const header = request.headers["content-type"]
  if (header === undefined) {
    return Effect.fail(makeProblem("unsupported-media-type", `Content-Type is missing: send Content-Type: ${expected}.`))
  }

  const charset = charsetOf(header)
  if (mediaTypeOf(header) !== expected || (charset !== undefined && charset !== "utf-8")) {
    return Effect.fail(
      makeProblem("unsupported-media-type", `Content-Type must be ${expected} (UTF-8); this endpoint accepts no other type.`)
    )
  }
  return Effect.void
}
