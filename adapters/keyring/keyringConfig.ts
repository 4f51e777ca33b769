import { homedir } from "node:os"
import { isAbsolute, join, resolve } from "node:path"
import { Config, Effect, Option, Redacted } from "effect"
import * as EnvSecrets from "../secrets/EnvSecrets.ts"
import { KeyConfigError } from "../KeyConfigError.ts"
import { checkKeyList, decodeKeyEncryptionKey, type KeyEncryptionKey, zeroKeys } from "./keyMaterial.ts"

export const localKeysVariable = "CLAIM_DRAFTS_LOCAL_KEYS"

export const keyFileVariable = "CLAIM_DRAFTS_KEY_FILE"

export const dataDirectoryVariable = "CLAIM_DRAFTS_DATA_DIR"

export const defaultDataDirectory = "./.claim-drafts"

/** Sources of the local keyring, with absolute paths. */
export interface KeyringConfig {
  /** CLAIM_DRAFTS_LOCAL_KEYS: `keyId:base64key` entries separated by commas, the first one encrypting. */
  readonly localKeys: Option.Option<Redacted.Redacted<string>>
  /** CLAIM_DRAFTS_KEY_FILE: a JSON key file (docs/keys.md) with mode 0600 or stricter. */
  readonly keyFile: Option.Option<string>
  /** Secrets from the environment; used with `localKeys` and rejected beside a key file. */
  readonly envSecrets: EnvSecrets.EnvSecretsConfig
  /** CLAIM_DRAFTS_DATA_DIR, default ./.claim-drafts; no key file may lie inside it. */
  readonly dataDirectory: string
  /** The development key file created when no key source is configured. */
  readonly developmentKeyFile: string
}

/**
 * `$XDG_CONFIG_HOME/claim-drafts/dev-keys.json`, or `~/.config/claim-drafts/dev-keys.json`
 * when XDG_CONFIG_HOME is unset or relative (the XDG base directory specification ignores
 * relative values).
 */
const developmentKeyFile: Config.Config<string> = Config.all({
  xdgConfigHome: Config.option(Config.string("XDG_CONFIG_HOME")),
  home: Config.option(Config.string("HOME"))
}).pipe(
  Config.map(({ home, xdgConfigHome }) => {
    const configHome = Option.filter(xdgConfigHome, isAbsolute).pipe(
      Option.getOrElse(() => join(Option.getOrElse(home, homedir), ".config"))
    )
    return join(configHome, "claim-drafts", "dev-keys.json")
  })
)

export const config: Config.Config<KeyringConfig> = Config.all({
  localKeys: Config.option(Config.redacted(localKeysVariable)),
  keyFile: Config.option(Config.string(keyFileVariable)).pipe(Config.map(Option.map((path) => resolve(path)))),
  envSecrets: EnvSecrets.config,
  dataDirectory: Config.string(dataDirectoryVariable).pipe(
    Config.withDefault(defaultDataDirectory),
    Config.map((path) => resolve(path))
  ),
  developmentKeyFile
})

/**
 * Parses CLAIM_DRAFTS_LOCAL_KEYS. Entries are separated by commas and surrounding spaces
 * are ignored; each entry is a key id, a colon and 32 bytes in base64.
 */
export const parseLocalKeys = (
  value: Redacted.Redacted<string>
): Effect.Effect<ReadonlyArray<KeyEncryptionKey>, KeyConfigError> => {
  const keys: Array<KeyEncryptionKey> = []

  return Effect.gen(function*() {
    const entries = Redacted.value(value).split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")

    for (const [index, entry] of entries.entries()) {
      const colon = entry.indexOf(":")
      if (colon <= 0) {
        return yield* new KeyConfigError({
          source: localKeysVariable,
          problem: `entry ${index + 1} has no key id before a colon`,
          fix: "Write each entry as keyId:base64key, for example kek-2025:<output of `openssl rand -base64 32`>."
        })
      }
      keys.push(yield* decodeKeyEncryptionKey(localKeysVariable, entry.slice(0, colon), entry.slice(colon + 1)))
    }

    return yield* checkKeyList(localKeysVariable, keys)
  }).pipe(Effect.tapError(() => Effect.sync(() => zeroKeys(keys))))
}
