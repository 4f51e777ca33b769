import { createHash } from "node:crypto"
import { Clock, Effect, Layer } from "effect"
import { decodeJwt } from "jose"
import { LRUCache } from "lru-cache"
import type { OwnerId } from "../../../domain/ids.ts"
import { TokenVerifier, type TokenVerifierShape } from "./TokenVerifier.ts"

/** Verified tokens remembered per instance: a claimant sends one token with every save of a session. */
const maxTokens = 10_000

/**
 * Maximum reuse of one verification, in milliseconds. It bounds how long a token keeps working
 * after its signing key leaves the JWK set.
 */
const maxReuseMillis = 60_000

interface Verified {
  readonly owner: OwnerId
  /** Epoch milliseconds until which the verification is reused: the token's `exp` at the latest. */
  readonly until: number
}

/** SHA-256 of the token, so the cache keeps digests in memory rather than bearer credentials. */
const digestOf = (token: string): string => createHash("sha256").update(token).digest("base64url")

/** Epoch milliseconds of the `exp` claim of a token that was just verified, which requires one. */
const expiryOf = (token: string): number | undefined => {
  const exp = decodeJwt(token).exp
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined
}

/**
 * Reuses successful verifications of the same token for up to a minute and never past its
 * `exp`, because verifying an HMAC or signature through WebCrypto costs a thread-pool round
 * trip on every request. Rejections are not remembered: each one is checked again.
 */
export const rememberVerified = (verifier: TokenVerifierShape): TokenVerifierShape => {
  const verified = new LRUCache<string, Verified>({ max: maxTokens })

  return {
    verify: (token) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const digest = digestOf(token)
        const known = verified.get(digest)
        if (known !== undefined && known.until > now) return Effect.succeed(known.owner)

        return Effect.tap(verifier.verify(token), (owner) => {
          const expiresAt = expiryOf(token)
          if (expiresAt !== undefined) verified.set(digest, { owner, until: Math.min(now + maxReuseMillis, expiresAt) })
        })
      })
  }
}

/** Wraps the `TokenVerifier` that `inner` provides with `rememberVerified`. */
export const remembering = <E, R>(inner: Layer.Layer<TokenVerifier, E, R>): Layer.Layer<TokenVerifier, E, R> =>
  Layer.effect(TokenVerifier, Effect.map(TokenVerifier, rememberVerified)).pipe(Layer.provide(inner))
