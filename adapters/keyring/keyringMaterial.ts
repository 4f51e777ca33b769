import { type ConfigError, Effect, Option } from "effect"
import * as EnvSecrets from "../secrets/EnvSecrets.ts"
import { KeyConfigError } from "../KeyConfigError.ts"
import { createDevelopmentKeyFile, readKeyFile } from "./keyFile.ts"
import { type KeyringMaterial, zeroKeys } from "./keyMaterial.ts"
import { config, keyFileVariable, type KeyringConfig, localKeysVariable, parseLocalKeys } from "./keyringConfig.ts"

const rejectEnvSecretsBesideKeyFile = (settings: KeyringConfig) => {
  const variables = [
    Option.isSome(settings.envSecrets.storageKeySecret) ? [EnvSecrets.storageSecretVariable] : [],
    Option.isSome(settings.envSecrets.tokenSigningSecret) ? [EnvSecrets.tokenSecretVariable] : []
  ].flat()

  return variables.length === 0 ? Effect.void : Effect.fail(
    new KeyConfigError({
      source: variables.join(", "),
      problem: "a key file is in use and holds these secrets itself",
      fix: `Unset ${variables.join(" and ")}, or use ${localKeysVariable} instead of a key file.`
    })
  )
}

const warnDevelopmentKeys = (path: string, created: boolean) =>
  Effect.logWarning(
    "Using a development key file: it must never protect real claims. Configure AWS KMS or a managed key file before storing real data."
  ).pipe(Effect.annotateLogs({ module: "LocalKeyring", keyFile: path, created }))

/**
 * Loads the keyring from the first configured source: CLAIM_DRAFTS_LOCAL_KEYS with secrets
 * from the environment, CLAIM_DRAFTS_KEY_FILE, or else the development key file, created on
 * first use. Both explicit sources at once are rejected, because which one wins would be a
 * guess.
 */
export const loadFromConfig = (settings: KeyringConfig): Effect.Effect<KeyringMaterial, KeyConfigError> =>
  Effect.gen(function*() {
    if (Option.isSome(settings.localKeys) && Option.isSome(settings.keyFile)) {
      return yield* new KeyConfigError({
        source: `${localKeysVariable}, ${keyFileVariable}`,
        problem: "both key sources are set",
        fix: "Set only one of them."
      })
    }

    if (Option.isSome(settings.localKeys)) {
      const keys = yield* parseLocalKeys(settings.localKeys.value)
      const secrets = yield* EnvSecrets.make(settings.envSecrets).pipe(
        Effect.tapError(() => Effect.sync(() => zeroKeys(keys)))
      )
      return { keys, secrets, development: false }
    }

    yield* rejectEnvSecretsBesideKeyFile(settings)

    if (Option.isSome(settings.keyFile)) {
      const material = yield* readKeyFile(settings.keyFile.value, settings.dataDirectory)
      if (material.development) yield* warnDevelopmentKeys(settings.keyFile.value, false)
      return material
    }

    const path = settings.developmentKeyFile
    const created = yield* createDevelopmentKeyFile(path, settings.dataDirectory)
    const material = yield* readKeyFile(path, settings.dataDirectory)
    yield* warnDevelopmentKeys(path, created)
    return material
  })

export const loadKeyringMaterial: Effect.Effect<KeyringMaterial, KeyConfigError | ConfigError.ConfigError> = Effect.flatMap(
  config,
  loadFromConfig
)
