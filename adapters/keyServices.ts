import { Config, type ConfigError, Effect, Layer, Option } from "effect"
import type { KeyProvider } from "../programs/ports/KeyProvider.ts"
import type { Secrets } from "../programs/ports/Secrets.ts"
import { KeyConfigError } from "./KeyConfigError.ts"
import * as LocalKeyring from "./keyring/LocalKeyring.ts"
import { keyFileVariable, localKeysVariable } from "./keyring/keyringConfig.ts"
import * as KmsKeyProvider from "./kms/KmsKeyProvider.ts"
import * as EnvSecrets from "./secrets/EnvSecrets.ts"

const sources = Config.all({
  kmsKeyId: Config.option(Config.string("CLAIM_DRAFTS_KMS_KEY_ID")),
  localKeys: Config.option(Config.redacted(localKeysVariable)),
  keyFile: Config.option(Config.string(keyFileVariable))
})

/**
 * The key provider and secrets the environment selects: AWS KMS with secrets from the
 * environment when CLAIM_DRAFTS_KMS_KEY_ID is set, else the local keyring (docs/keys.md).
 * Setting KMS and a local key source together is rejected.
 */
export const layerConfig: Layer.Layer<KeyProvider | Secrets, KeyConfigError | ConfigError.ConfigError> = Layer
  .unwrapEffect(
    Effect.gen(function*() {
      const { keyFile, kmsKeyId, localKeys } = yield* sources
      if (Option.isNone(kmsKeyId)) return LocalKeyring.layerConfig

      if (Option.isSome(localKeys) || Option.isSome(keyFile)) {
        return yield* new KeyConfigError({
          source: `CLAIM_DRAFTS_KMS_KEY_ID, ${Option.isSome(localKeys) ? localKeysVariable : keyFileVariable}`,
          problem: "AWS KMS and a local key source are both configured",
          fix: "Set only one key source."
        })
      }
      return Layer.merge(KmsKeyProvider.layerConfig, EnvSecrets.layerConfig)
    })
  )
