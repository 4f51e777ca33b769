import { Context, type Option, type Redacted } from "effect"

/**
 * Process secrets that live with the key-encryption keys, never with the data, so a copy of
 * the stores alone can neither compute storage digests nor forge tokens.
 */
export interface SecretsShape {
  /**
   * HMAC key for the storage digests of owner and draft ids, at least 32 bytes. It never
   * rotates with the encryption keys: a new value would move every draft to a new address.
   */
  readonly storageKeySecret: Redacted.Redacted<Uint8Array>

  /** HS256 key for the tokens of the embedded default, at least 32 bytes; absent when tokens come from elsewhere. */
  readonly tokenSigningSecret: Option.Option<Redacted.Redacted<Uint8Array>>
}

export class Secrets extends Context.Tag("claim-drafts/Secrets")<Secrets, SecretsShape>() {}
