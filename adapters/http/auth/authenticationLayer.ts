import { HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import type { OwnerId } from "../../../domain/ids.ts"
import { makeLogThrottle, unavailableLogWindowMillis } from "../problems/logThrottle.ts"
import { makeProblem, type ServiceUnavailableProblem, type UnauthorizedProblem } from "../problems/Problem.ts"
import { setResponseHeader } from "../problems/responseHeaders.ts"
import { Authentication } from "./Authentication.ts"
import { TokenVerifier } from "./TokenVerifier.ts"

const realm = 'Bearer realm="claim-drafts"'

/** Fails with 401 and the RFC 6750 challenge; `error` is absent when no credentials were sent. */
const unauthorized = (detail: string, error?: "invalid_request" | "invalid_token") =>
  setResponseHeader("www-authenticate", error === undefined ? realm : `${realm}, error="${error}"`).pipe(
    Effect.zipRight(Effect.fail(makeProblem("authentication-required", detail)))
  )

const bearerPattern = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i

/**
 * Reads the Authorization header itself rather than trusting HttpApi's bearer decoding,
 * which strips the first seven characters whatever the scheme.
 */
export const layer: Layer.Layer<Authentication, never, TokenVerifier> = Layer.effect(
  Authentication,
  Effect.gen(function* () {
    const verifier = yield* TokenVerifier
    const throttled = makeLogThrottle(unavailableLogWindowMillis)

    const authenticate: Effect.Effect<
      OwnerId,
      UnauthorizedProblem | ServiceUnavailableProblem,
      HttpServerRequest.HttpServerRequest
    > = Effect.gen(function* () {
      const header = (yield* HttpServerRequest.HttpServerRequest).headers.authorization
      if (header === undefined) {
        return yield* unauthorized("The Authorization header is missing: send Authorization: Bearer <token>.")
      }

      const token = bearerPattern.exec(header)?.[1]
      if (token === undefined) {
        return yield* unauthorized(
          "The Authorization header is invalid: it must be the Bearer scheme followed by one token.",
          "invalid_request"
        )
      }

      return yield* verifier.verify(token).pipe(
        Effect.catchTags({
          TokenRejected: (error) => unauthorized(error.message, "invalid_token"),
          TokenKeysUnavailable: (error) =>
            throttled("token-keys", Effect.logWarning("Fetching the token key set failed; the request got 503.", error.cause)).pipe(
              Effect.zipRight(setResponseHeader("retry-after", String(error.retryAfterSeconds))),
              Effect.zipRight(Effect.fail(makeProblem("token-keys-unavailable", error.message)))
            )
        })
      )
    })

    return Authentication.of({ bearer: () => authenticate })
  })
)
