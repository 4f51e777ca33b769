import { HttpMiddleware, HttpServerError, HttpServerRequest, HttpTraceContext } from "@effect/platform"
import { Effect, Option } from "effect"

/**
 * Traces each request in a server span that carries no id. Effect's built-in HTTP tracer
 * records the URL, the request and response headers and the client address. The URL and the
 * `Location` header contain the draft id, so `serverLayer.ts` turns that tracer off. This span
 * records only the method, the status code and `http.route`, which the router sets to the
 * route template (such as `/v1/drafts/:draftId`), never the path that was requested.
 */
export const requestSpans = HttpMiddleware.make((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.useSpan(
      `http.server ${request.method}`,
      {
        parent: Option.getOrUndefined(HttpTraceContext.fromHeaders(request.headers)),
        kind: "server",
        captureStackTrace: false
      },
      (span) => {
        span.attribute("http.request.method", request.method)

        return Effect.withParentSpan(app, span).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => span.attribute("http.response.status_code", HttpServerError.exitResponse(exit).status))
          )
        )
      }
    )
  )
)
