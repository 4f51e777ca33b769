import { Config, type ConfigError, Effect, Layer, Option, Redacted } from "effect"
import { Secrets, type SecretsShape } from "../../programs/ports/Secrets.ts"
import { decodeSecret } from "../keyring/keyMaterial.ts"
import { KeyConfigError } from "../KeyConfigError.ts"

/**
 * Secrets read from the environment, for deployments whose keys are not in a key file
 * (AWS KMS or CLAIM_DRAFTS_LOCAL_KEYS). The platform injects them from its secret store.
 */
export interface EnvSecretsConfig {
  /** Base64 of CLAIM_DRAFTS_STORAGE_SECRET; required. */
  readonly storageKeySecret: Option.Option<Redacted.Redacted<string>>
  /** Base64 of CLAIM_DRAFTS_TOKEN_SECRET; optional. */
  readonly tokenSigningSecret: Option.Option<Redacted.Redacted<string>>
}

export const storageSecretVariable = "CLAIM_DRAFTS_STORAGE_SECRET"

export const tokenSecretVariable = "CLAIM_DRAFTS_TOKEN_SECRET"

export const config: Config.Config<EnvSecretsConfig> = Config.all({
  storageKeySecret: Config.option(Config.redacted(storageSecretVariable)),
  tokenSigningSecret: Config.option(Config.redacted(tokenSecretVariable))
})

export const make = (input: EnvSecretsConfig): Effect.Effect<SecretsShape, KeyConfigError> =>
  Effect.gen(function*() {
    if (Option.isNone(input.storageKeySecret)) {
      return yield* new KeyConfigError({
        source: storageSecretVariable,
        problem: "the variable is not set, and the storage digests need it",
        fix: "Set it to at least 32 random bytes in base64 (`openssl rand -base64 32`) and never change it afterwards."
      })
    }

    const storageKeySecret = yield* decodeSecret(storageSecretVariable, Redacted.value(input.storageKeySecret.value))
    const tokenSigningSecret = Option.isSome(input.tokenSigningSecret)
      ? Option.some(yield* decodeSecret(tokenSecretVariable, Redacted.value(input.tokenSigningSecret.value)))
      : Option.none()

    return {
      storageKeySecret: Redacted.make(storageKeySecret),
      tokenSigningSecret: Option.map(tokenSigningSecret, Redacted.make)
    }
  })

export const layer = (input: EnvSecretsConfig): Layer.Layer<Secrets, KeyConfigError> =>
  Layer.effect(Secrets, make(input))

export const layerConfig: Layer.Layer<Secrets, KeyConfigError | ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(config, layer)
)
