import type { KeyObject } from "node:crypto"
import { Clock, Deferred, Duration, Effect, FiberId } from "effect"
import type { IntegrityFailure, KeyUnavailable } from "../../domain/errors.ts"
import type { KeyReference } from "../../domain/record.ts"
import { KeyProvider } from "../ports/KeyProvider.ts"
import { importKey } from "./EncryptionKeys.ts"

export interface DecryptionKeyLimits {
  readonly maxEntries: number
  readonly ttl: Duration.Duration
}

interface Entry {
  readonly key: KeyObject
  readonly expiresAt: number
}

type UnwrapError = KeyUnavailable | IntegrityFailure

/** Latin-1 maps each byte to one character, so the id is exact and cheaper to build than base64. */
const idOf = (reference: KeyReference): string => {
  const wrapped = Buffer.from(reference.wrappedKey.buffer, reference.wrappedKey.byteOffset, reference.wrappedKey.byteLength)
  return `${reference.keyId}\u0000${wrapped.toString("latin1")}`
}

/** Ids of the active keys' references, which every seal primes the cache with. */
const primedIds = new WeakMap<KeyReference, string>()

const cacheKey = (reference: KeyReference): string => primedIds.get(reference) ?? idOf(reference)

const primedId = (reference: KeyReference): string => {
  let id = primedIds.get(reference)
  if (id === undefined) {
    id = idOf(reference)
    primedIds.set(reference, id)
  }
  return id
}

/**
 * Unwrapped data keys for reads, least recently used first out. Concurrent misses for one
 * wrapped key share a single unwrap call, so a burst of reads after a restart costs one
 * request to the key service per data key.
 */
export const makeDecryptionKeys = (limits: DecryptionKeyLimits) =>
  Effect.gen(function* () {
    const provider = yield* KeyProvider
    const ttlMillis = Duration.toMillis(limits.ttl)
    const entries = new Map<string, Entry>()
    const inflight = new Map<string, Deferred.Deferred<KeyObject, UnwrapError>>()

    const remember = (id: string, key: KeyObject, now: number) => {
      entries.delete(id)
      entries.set(id, { key, expiresAt: now + ttlMillis })
      if (entries.size > limits.maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
    }

    const unwrap = (id: string, reference: KeyReference) => {
      const waiting = inflight.get(id)
      if (waiting !== undefined) return Deferred.await(waiting)

      const pending = Deferred.unsafeMake<KeyObject, UnwrapError>(FiberId.none)
      inflight.set(id, pending)
      return provider.unwrapDataKey(reference).pipe(
        Effect.map(importKey),
        Effect.tap((key) => Effect.map(Clock.currentTimeMillis, (now) => remember(id, key, now))),
        Effect.onExit((exit) => {
          inflight.delete(id)
          return Deferred.done(pending, exit)
        })
      )
    }

    /** The data key a record names, from the cache or the key provider. */
    const get = (reference: KeyReference): Effect.Effect<KeyObject, UnwrapError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const id = cacheKey(reference)
        const hit = entries.get(id)
        if (hit !== undefined && hit.expiresAt > now) {
          entries.delete(id)
          entries.set(id, hit)
          return Effect.succeed(hit.key)
        }
        return unwrap(id, reference)
      })

    /** Caches the key that sealed a record, so reading back a fresh save needs no unwrap. */
    const prime = (reference: KeyReference, key: KeyObject): Effect.Effect<void> =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const id = primedId(reference)
        if (!entries.has(id)) remember(id, key, now)
      })

    return { get, prime } as const
  })

