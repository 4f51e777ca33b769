import { HttpApiBuilder, HttpApp, HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Cause, Effect, Option } from "effect"
import { isProblem, problemBody } from "../problems/Problem.ts"
import { problemContentType, type ProblemKind } from "../problems/problemTypes.ts"

const problemResponse = (kind: ProblemKind, detail: string) => {
  const body = problemBody(kind, detail)
  return HttpServerResponse.unsafeJson(body, { status: body.status, contentType: problemContentType })
}

/**
 * Returns the name and stack frames of a defect without its message, because V8 messages
 * can quote input (JSON.parse does) and input here may be a claim.
 */
const describeDefect = (defect: unknown): string => {
  if (!(defect instanceof Error)) return typeof defect
  const frames = (defect.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at "))
  return [defect.name, ...frames].join("\n")
}

/** Headers on every response: drafts hold personal data, so nothing may be cached or sniffed. */
const protectiveHeaders = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(
    HttpServerResponse.setHeaders(response, { "cache-control": "no-store", "x-content-type-options": "nosniff" })
  )
)

/**
 * Adds API-wide middleware. An unknown route gets a 404 problem, and a defect gets a 500
 * problem after the defect's name and frames are logged, never the request. Problems from
 * the handlers pass on to HttpApi's error encoding. An interrupted request (the client left)
 * gets no response.
 */
export const layer = HttpApiBuilder.middleware((app) =>
  Effect.zipRight(protectiveHeaders, app).pipe(
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)

      const failure: Option.Option<unknown> = Cause.failureOption(cause)
      if (Option.isSome(failure) && isProblem(failure.value)) return Effect.failCause(cause)
      if (Option.isSome(failure) && failure.value instanceof HttpServerError.RouteNotFound) {
        return Effect.succeed(problemResponse("not-found", "No route matches this method and path."))
      }

      return HttpServerRequest.HttpServerRequest.pipe(
        Effect.flatMap((request) =>
          Effect.logError("A request failed unexpectedly; it got 500.").pipe(
            Effect.annotateLogs({
              method: request.method,
              defect: Option.match(Cause.dieOption(cause), { onNone: () => "none", onSome: describeDefect }),
              failure: Option.match(failure, { onNone: () => "none", onSome: describeDefect })
            })
          )
        ),
        Effect.as(problemResponse("internal-error", "The server failed while handling the request; retry later."))
      )
    })
  )
)
