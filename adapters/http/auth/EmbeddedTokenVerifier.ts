import { Effect, Layer, Option, Redacted } from "effect"
import { Secrets } from "../../../programs/ports/Secrets.ts"
import { KeyConfigError } from "../../KeyConfigError.ts"
import { tokenSecretVariable } from "../../secrets/EnvSecrets.ts"
import { embeddedTokenRules } from "./embeddedTokens.ts"
import { TokenVerifier, type TokenVerifierShape } from "./TokenVerifier.ts"
import { verifyJwt } from "./verifyJwt.ts"

/** Verifies HS256 tokens of the embedded default under `secret` (at least 32 bytes). */
export const make = (secret: Redacted.Redacted<Uint8Array>): TokenVerifierShape => ({
  verify: (token) => verifyJwt(token, Redacted.value(secret), embeddedTokenRules, false)
})

/** The token signing secret of `Secrets`, or a configuration error that names where to set it. */
export const signingSecret = Effect.flatMap(Secrets, (secrets) =>
  Option.match(secrets.tokenSigningSecret, {
    onNone: () =>
      Effect.fail(
        new KeyConfigError({
          source: tokenSecretVariable,
          problem: "no token signing secret is configured, and the embedded token verifier needs one",
          fix: `Set ${tokenSecretVariable} (or tokenSigningSecret in the key file) to 32 random bytes in base64, or set CLAIM_DRAFTS_JWKS_URL or CLAIM_DRAFTS_JWKS_FILE.`
        })
      ),
    onSome: Effect.succeed
  })
)

export const layer: Layer.Layer<TokenVerifier, KeyConfigError, Secrets> = Layer.effect(
  TokenVerifier,
  Effect.map(signingSecret, make)
)
