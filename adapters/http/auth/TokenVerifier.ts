import { Context, type Effect, Schema } from "effect"
import type { OwnerId } from "../../../domain/ids.ts"

/** The token was rejected; `reason` names the rule it broke and never echoes token content. */
export class TokenRejected extends Schema.TaggedError<TokenRejected>()("TokenRejected", { reason: Schema.String }) {
  override get message() {
    return `The bearer token is invalid: ${this.reason}.`
  }
}

/** The keys that verify tokens could not be fetched, so no token can be judged right now. */
export class TokenKeysUnavailable extends Schema.TaggedError<TokenKeysUnavailable>()("TokenKeysUnavailable", {
  retryAfterSeconds: Schema.Number,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message() {
    return `The token signing keys could not be fetched; retry after ${this.retryAfterSeconds} s.`
  }
}

/** Verifies bearer tokens: the embedded HS256 secret, or a JWK set from a URL or a file. */
export interface TokenVerifierShape {
  /**
   * The owner named by the `sub` claim of a compact JWT whose signature, algorithm, `exp`
   * and (where configured) `iss` and `aud` all check out.
   */
  readonly verify: (token: string) => Effect.Effect<OwnerId, TokenRejected | TokenKeysUnavailable>
}

export class TokenVerifier extends Context.Tag("claim-drafts/http/TokenVerifier")<TokenVerifier, TokenVerifierShape>() {}
