import { timingSafeEqual } from "node:crypto"
import { Effect } from "effect"
import { IntegrityFailure } from "../../domain/errors.ts"
import { KeyProvider } from "../../programs/ports/KeyProvider.ts"

/**
 * Generates a data key and unwraps it again, which proves that the configured key service
 * (KMS or the local keyring) both wraps and unwraps under the current encrypting key. Returns
 * the key id it used. Both plaintext copies are zeroed.
 */
export const checkKeyRoundTrip = Effect.gen(function* () {
  const provider = yield* KeyProvider
  const generated = yield* provider.generateDataKey

  return yield* provider.unwrapDataKey({ keyId: generated.keyId, wrappedKey: generated.wrappedKey }).pipe(
    Effect.flatMap((unwrapped) => {
      const same = unwrapped.length === generated.plaintext.length && timingSafeEqual(unwrapped, generated.plaintext)
      unwrapped.fill(0)
      return same
        ? Effect.succeed(generated.keyId)
        : Effect.fail(new IntegrityFailure({ reason: "an unwrapped data key differs from the generated one" }))
    }),
    Effect.ensuring(Effect.sync(() => generated.plaintext.fill(0)))
  )
})
