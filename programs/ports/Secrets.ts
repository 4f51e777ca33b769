import { Context, type Option, type Redacted } from "effect"

/**
 * Secrets that live with the keys, never with the data: a copy of the data directory or
 * bucket alone therefore neither reveals ids nor lets anyone mint tokens.
 */
export interface SecretsShape {
  /** HMAC-SHA-256 key for storage digests; it never rotates, because every storage key derives from it. */
  readonly storageKeySecret: Redacted.Redacted<Uint8Array>
  /** HS256 secret the embedded default signs and verifies tokens with; absent when a JWK set is used. */
  readonly tokenSigningSecret: Option.Option<Redacted.Redacted<Uint8Array>>
}

export class Secrets extends Context.Tag("claim-drafts/Secrets")<Secrets, SecretsShape>() {}
