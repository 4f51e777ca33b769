import { Clock, Effect, Redacted, Schema } from "effect"
import { SignJWT } from "jose"
import type { InvalidId } from "../../../domain/errors.ts"
import { decodeOwnerId } from "../../../domain/ids.ts"
import type { Secrets } from "../../../programs/ports/Secrets.ts"
import type { KeyConfigError } from "../../KeyConfigError.ts"
import { signingSecret } from "./EmbeddedTokenVerifier.ts"
import { defaultTokenLifetimeSeconds, embeddedTokenRules, maxTokenLifetimeSeconds } from "./embeddedTokens.ts"

/** The requested token lifetime is not a whole number of seconds within the allowed range. */
export class InvalidTokenLifetime extends Schema.TaggedError<InvalidTokenLifetime>()("InvalidTokenLifetime", {
  maxSeconds: Schema.Number
}) {
  override get message() {
    return `ttlSeconds is invalid: it must be a whole number of seconds from 1 to ${this.maxSeconds}.`
  }
}

export interface IssueTokenRequest {
  /** The owner the token speaks for; becomes its `sub` claim. */
  readonly owner: string
  /** Seconds until the token expires (default 1 hour, at most 30 days). */
  readonly ttlSeconds?: number
}

/**
 * Issues an HS256 token of the embedded default under the token signing secret of `Secrets`,
 * which the HTTP server's embedded verifier accepts. For development and the CLI's `token`
 * command; production deployments take tokens from their identity provider.
 */
export const issueToken = (
  request: IssueTokenRequest
): Effect.Effect<string, InvalidId | InvalidTokenLifetime | KeyConfigError, Secrets> =>
  Effect.gen(function* () {
    const owner = yield* decodeOwnerId(request.owner)

    const ttlSeconds = request.ttlSeconds ?? defaultTokenLifetimeSeconds
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxTokenLifetimeSeconds) {
      return yield* new InvalidTokenLifetime({ maxSeconds: maxTokenLifetimeSeconds })
    }

    const secret = yield* signingSecret
    const issuedAt = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    return yield* Effect.promise(() =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(owner)
        .setIssuer(embeddedTokenRules.issuer)
        .setAudience(embeddedTokenRules.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(Redacted.value(secret))
    )
  })
