import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Option, Redacted, TestClock } from "effect"
import * as EmbeddedTokenVerifier from "../../adapters/http/auth/EmbeddedTokenVerifier.ts"
import { issueToken } from "../../adapters/http/auth/issueToken.ts"
import { rememberVerified } from "../../adapters/http/auth/rememberVerified.ts"
import type { TokenVerifierShape } from "../../adapters/http/auth/TokenVerifier.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"

const secret = Redacted.make(new Uint8Array(randomBytes(32)))
const secrets = Secrets.of({
  storageKeySecret: Redacted.make(new Uint8Array(randomBytes(32))),
  tokenSigningSecret: Option.some(secret)
})

/** Builds the embedded verifier with a count of the verifications it really performed. */
const countingVerifier = () => {
  const inner = EmbeddedTokenVerifier.make(secret)
  const counter = { calls: 0 }
  const verifier: TokenVerifierShape = {
    verify: (token) =>
      Effect.suspend(() => {
        counter.calls++
        return inner.verify(token)
      })
  }
  return { verifier, counter }
}

/** Starts the test clock at the real time, because the verifier checks `exp` against the real clock. */
const tokenFor = (owner: string, ttlSeconds: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(Date.now())
    return yield* Effect.provideService(issueToken({ owner, ttlSeconds }), Secrets, secrets)
  })

describe("rememberVerified", () => {
  it.effect("verifies a repeated token once", () =>
    Effect.gen(function* () {
      const { verifier, counter } = countingVerifier()
      const remembered = rememberVerified(verifier)
      const token = yield* tokenFor("claimant-7c21", 600)

      for (let request = 0; request < 5; request++) expect(yield* remembered.verify(token)).toBe("claimant-7c21")
      expect(counter.calls).toBe(1)
    }))

  it.effect("verifies again after a minute", () =>
    Effect.gen(function* () {
      const { verifier, counter } = countingVerifier()
      const remembered = rememberVerified(verifier)
      const token = yield* tokenFor("claimant-7c21", 600)

      yield* remembered.verify(token)
      yield* TestClock.adjust(Duration.seconds(59))
      yield* remembered.verify(token)
      expect(counter.calls).toBe(1)

      yield* TestClock.adjust(Duration.seconds(2))
      yield* remembered.verify(token)
      expect(counter.calls).toBe(2)
    }))

  it.effect("never reuses a verification past exp", () =>
    Effect.gen(function* () {
      const { verifier, counter } = countingVerifier()
      const remembered = rememberVerified(verifier)
      const token = yield* tokenFor("claimant-7c21", 20)

      yield* remembered.verify(token)
      yield* TestClock.adjust(Duration.seconds(21))
      yield* Effect.either(remembered.verify(token))
      expect(counter.calls).toBe(2)
    }))

  it.effect("checks every rejected token again", () =>
    Effect.gen(function* () {
      const { verifier, counter } = countingVerifier()
      const remembered = rememberVerified(verifier)
      const token = yield* tokenFor("claimant-7c21", 600)
      const tampered = `${token.slice(0, -4)}AAAA`

      const first = yield* Effect.either(remembered.verify(tampered))
      const second = yield* Effect.either(remembered.verify(tampered))
      expect(Either.flip(first)).toEqual(Either.right(expect.objectContaining({ _tag: "TokenRejected" })))
      expect(Either.flip(second)).toEqual(Either.right(expect.objectContaining({ _tag: "TokenRejected" })))
      expect(counter.calls).toBe(2)
    }))

  it.effect("keeps tokens of different owners apart", () =>
    Effect.gen(function* () {
      const { verifier } = countingVerifier()
      const remembered = rememberVerified(verifier)
      const alice = yield* tokenFor("claimant-a1", 600)
      const bob = yield* tokenFor("claimant-b2", 600)

      expect(yield* remembered.verify(alice)).toBe("claimant-a1")
      expect(yield* remembered.verify(bob)).toBe("claimant-b2")
      expect(yield* remembered.verify(alice)).toBe("claimant-a1")
    }))
})
