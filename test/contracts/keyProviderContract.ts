import { expect, it } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import type { KeyReference } from "../../domain/record.ts"
import type { KeyProviderShape } from "../../programs/ports/KeyProvider.ts"

/** The two key-encryption keys every contract run has; each adapter maps them to its own keys. */
export type ContractKey = "A" | "B"

export interface KeyProviderFixture {
  /** A provider whose first key wraps and whose every listed key unwraps. */
  readonly provider: (keys: ReadonlyArray<ContractKey>) => Effect.Effect<KeyProviderShape, unknown, Scope.Scope>
  /** The key id that the provider stores for data keys wrapped under `key`. */
  readonly keyIdOf: (key: ContractKey) => string
  /** A well-formed key id that no provider of the fixture accepts. */
  readonly unknownKeyId: string
}

const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0)

const flipByte = (bytes: Uint8Array, index: number): Uint8Array => {
  const copy = new Uint8Array(bytes)
  copy[index] = copy[index]! ^ 0x01
  return copy
}

const failureTag = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => error._tag)

/**
 * Registers the KeyProvider contract tests. They run live, not under TestClock, because
 * adapters talk to real servers and retry on the wall clock.
 */
export const keyProviderContract = (fixture: KeyProviderFixture) => {
  it.scopedLive("generated key unwraps to the same bytes", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const dataKey = yield* provider.generateDataKey

      expect(dataKey.plaintext.length).toBe(32)
      expect(isZero(dataKey.plaintext)).toBe(false)
      expect(dataKey.keyId).toBe(fixture.keyIdOf("A"))
      expect(dataKey.wrappedKey.length).toBeGreaterThan(0)

      const unwrapped = yield* provider.unwrapDataKey({ keyId: dataKey.keyId, wrappedKey: dataKey.wrappedKey })
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)
    }))

  it.scopedLive("each call returns a new data key", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const first = yield* provider.generateDataKey
      const second = yield* provider.generateDataKey

      expect(Buffer.from(first.plaintext).equals(Buffer.from(second.plaintext))).toBe(false)
      expect(Buffer.from(first.wrappedKey).equals(Buffer.from(second.wrappedKey))).toBe(false)
    }))

  it.scopedLive("unwrapped buffers are owned by the caller", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const dataKey = yield* provider.generateDataKey
      const expected = Buffer.from(dataKey.plaintext)
      const reference = { keyId: dataKey.keyId, wrappedKey: dataKey.wrappedKey }

      dataKey.plaintext.fill(0)
      const first = yield* provider.unwrapDataKey(reference)
      first.fill(0)
      const second = yield* provider.unwrapDataKey(reference)

      expect(Buffer.from(second).equals(expected)).toBe(true)
    }))

  it.scopedLive("tampered wrapped key is an integrity failure", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const { keyId, wrappedKey } = yield* provider.generateDataKey
      const positions = [0, 1, Math.floor(wrappedKey.length / 2), wrappedKey.length - 1]

      for (const position of positions) {
        const tampered: KeyReference = { keyId, wrappedKey: flipByte(wrappedKey, position) }
        expect(yield* failureTag(provider.unwrapDataKey(tampered)), `byte ${position}`).toBe("IntegrityFailure")
      }
    }))

  it.scopedLive("truncated wrapped key is an integrity failure", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const { keyId, wrappedKey } = yield* provider.generateDataKey

      for (const length of [wrappedKey.length - 1, 16, 0]) {
        const truncated: KeyReference = { keyId, wrappedKey: wrappedKey.subarray(0, length) }
        expect(yield* failureTag(provider.unwrapDataKey(truncated)), `length ${length}`).toBe("IntegrityFailure")
      }

      const extended: KeyReference = { keyId, wrappedKey: new Uint8Array([...wrappedKey, 0]) }
      expect(yield* failureTag(provider.unwrapDataKey(extended))).toBe("IntegrityFailure")
    }))

  it.scopedLive("unknown key id is an integrity failure", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A"])
      const { wrappedKey } = yield* provider.generateDataKey

      const unknown: KeyReference = { keyId: fixture.unknownKeyId, wrappedKey }
      expect(yield* failureTag(provider.unwrapDataKey(unknown))).toBe("IntegrityFailure")
    }))

  it.scopedLive("key id swapped to another known key is an integrity failure", () =>
    Effect.gen(function*() {
      const provider = yield* fixture.provider(["A", "B"])
      const { keyId, wrappedKey } = yield* provider.generateDataKey
      expect(keyId).toBe(fixture.keyIdOf("A"))

      const swapped: KeyReference = { keyId: fixture.keyIdOf("B"), wrappedKey }
      expect(yield* failureTag(provider.unwrapDataKey(swapped))).toBe("IntegrityFailure")
    }))

  it.scopedLive("rotation unwraps old keys and wraps under the new key", () =>
    Effect.gen(function*() {
      const before = yield* fixture.provider(["A"])
      const after = yield* fixture.provider(["B", "A"])
      const old = yield* before.generateDataKey

      const unwrapped = yield* after.unwrapDataKey({ keyId: old.keyId, wrappedKey: old.wrappedKey })
      expect(Buffer.from(unwrapped).equals(Buffer.from(old.plaintext))).toBe(true)

      const fresh = yield* after.generateDataKey
      expect(fresh.keyId).toBe(fixture.keyIdOf("B"))
      const roundTrip = yield* after.unwrapDataKey({ keyId: fresh.keyId, wrappedKey: fresh.wrappedKey })
      expect(Buffer.from(roundTrip).equals(Buffer.from(fresh.plaintext))).toBe(true)

      const beforeOnNew = before.unwrapDataKey({ keyId: fresh.keyId, wrappedKey: fresh.wrappedKey })
      expect(yield* failureTag(beforeOnNew)).toBe("IntegrityFailure")
    }))
}
