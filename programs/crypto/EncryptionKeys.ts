import { createSecretKey, type KeyObject } from "node:crypto"
import { Clock, Deferred, Duration, Effect, Exit, FiberId } from "effect"
import type { KeyUnavailable } from "../../domain/errors.ts"
import type { KeyReference } from "../../domain/record.ts"
import { KeyProvider } from "../ports/KeyProvider.ts"

/** The data key that seals new records, reused within message and age limits. */
export interface ActiveKey {
  readonly reference: KeyReference
  readonly key: KeyObject
}

interface CachedKey extends ActiveKey {
  readonly createdAt: number
  uses: number
}

export interface EncryptionKeyLimits {
  readonly maxMessages: number
  readonly maxAge: Duration.Duration
}

/**
 * Imports plaintext key bytes into a `KeyObject` and zeroes them. A `KeyObject` keeps its own
 * copy that cannot be zeroed; docs/envelope.md explains why the save path accepts that.
 */
export const importKey = (plaintext: Uint8Array): KeyObject => {
  try {
    return createSecretKey(plaintext)
  } finally {
    plaintext.fill(0)
  }
}

/**
 * Hands out the active data key, generating a new one when the current one has sealed
 * `maxMessages` records or is older than `maxAge`. Concurrent callers that find no usable
 * key wait for a single generate call.
 */
export const makeEncryptionKeys = (limits: EncryptionKeyLimits) =>
  Effect.gen(function* () {
    const provider = yield* KeyProvider
    const maxAgeMillis = Duration.toMillis(limits.maxAge)
    let current: CachedKey | undefined
    let refreshing: Deferred.Deferred<CachedKey, KeyUnavailable> | undefined

    const usable = (key: CachedKey | undefined, now: number): key is CachedKey =>
      key !== undefined && key.uses < limits.maxMessages && now - key.createdAt < maxAgeMillis

    const generate = Effect.gen(function* () {
      const dataKey = yield* provider.generateDataKey
      const now = yield* Clock.currentTimeMillis
      return {
        reference: { keyId: dataKey.keyId, wrappedKey: dataKey.wrappedKey },
        key: importKey(dataKey.plaintext),
        createdAt: now,
        uses: 0
      } satisfies CachedKey
    })

    const refresh = Effect.suspend(() => {
      if (refreshing !== undefined) return Deferred.await(refreshing)

      const pending = Deferred.unsafeMake<CachedKey, KeyUnavailable>(FiberId.none)
      refreshing = pending
      return generate.pipe(
        Effect.onExit((exit) => {
          refreshing = undefined
          if (Exit.isSuccess(exit)) current = exit.value
          return Deferred.done(pending, exit)
        })
      )
    })

    /** Reserves one use of the active key for one record. */
    const acquire: Effect.Effect<ActiveKey, KeyUnavailable> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (usable(current, now)) {
        current.uses += 1
        return Effect.succeed(current)
      }
      return Effect.flatMap(refresh, (key) => {
        key.uses += 1
        return Effect.succeed(key)
      })
    })

    return { acquire } as const
  })
