import { Context, type Effect } from "effect"
import type { IntegrityFailure, KeyUnavailable } from "../../domain/errors.ts"
import type { KeyReference } from "../../domain/record.ts"

export interface DataKey {
  readonly keyId: string
  /** 32 plaintext key bytes, owned by the caller, which zeroes them after use. */
  readonly plaintext: Uint8Array
  readonly wrappedKey: Uint8Array
}

/**
 * Generates and unwraps AES-256 data keys under key-encryption keys the process never
 * stores beside the data: a local keyring or AWS KMS.
 */
export interface KeyProviderShape {
  /** A fresh data key wrapped under the current encrypting key. */
  readonly generateDataKey: Effect.Effect<DataKey, KeyUnavailable>

  /**
   * The plaintext of a wrapped data key, as a new buffer the caller zeroes after use. A key
   * id the provider does not know or a wrapped key that fails authentication is an
   * integrity failure; an unreachable key service is `KeyUnavailable`.
   */
  readonly unwrapDataKey: (key: KeyReference) => Effect.Effect<Uint8Array, KeyUnavailable | IntegrityFailure>
}

export class KeyProvider extends Context.Tag("claim-drafts/KeyProvider")<KeyProvider, KeyProviderShape>() {}
