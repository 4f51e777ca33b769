import { Config, type ConfigError, Effect, Option } from "effect"
import { KeyConfigError } from "../../KeyConfigError.ts"
import type { TokenRules } from "./verifyJwt.ts"

export const jwksUrlVariable = "CLAIM_DRAFTS_JWKS_URL"
export const jwksFileVariable = "CLAIM_DRAFTS_JWKS_FILE"
export const issuerVariable = "CLAIM_DRAFTS_JWT_ISSUER"
export const audienceVariable = "CLAIM_DRAFTS_JWT_AUDIENCE"
export const algorithmsVariable = "CLAIM_DRAFTS_JWT_ALGORITHMS"

/** Asymmetric JWS algorithms a key set may verify; `none` and shared-secret HMAC are excluded. */
export const asymmetricAlgorithms = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"
] as const

const defaultAlgorithms = ["RS256", "ES256"]

/** The source of token keys in production, and the claims every token must carry. */
export type JwksSource =
  | { readonly _tag: "Url"; readonly url: URL }
  | { readonly _tag: "File"; readonly path: string }

export interface JwksSettings {
  readonly source: JwksSource
  readonly rules: TokenRules
}

const raw = Config.all({
  url: Config.option(Config.string(jwksUrlVariable)),
  file: Config.option(Config.string(jwksFileVariable)),
  issuer: Config.option(Config.string(issuerVariable)),
  audience: Config.option(Config.string(audienceVariable)),
  algorithms: Config.option(Config.string(algorithmsVariable))
})

const configError = (source: string, problem: string, fix: string) => new KeyConfigError({ source, problem, fix })

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"])

/** Key sets travel over HTTPS; plain HTTP is allowed to a loopback address only, for tests and sidecars. */
const parseJwksUrl = (value: string): Effect.Effect<URL, KeyConfigError> => {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined) {
    return Effect.fail(configError(jwksUrlVariable, "the value is not a URL", "Set it to the https URL of the issuer's JWK set."))
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && loopbackHosts.has(url.hostname))) return Effect.succeed(url)
  return Effect.fail(
    configError(jwksUrlVariable, "the URL must use https (http only to a loopback address)", "Use the https URL of the JWK set.")
  )
}

const parseAlgorithms = (value: Option.Option<string>): Effect.Effect<ReadonlyArray<string>, KeyConfigError> => {
  if (Option.isNone(value)) return Effect.succeed(defaultAlgorithms)

  const names = value.value.split(",").map((name) => name.trim()).filter((name) => name !== "")
  const allowed: ReadonlyArray<string> = asymmetricAlgorithms
  const unknown = names.filter((name) => !allowed.includes(name))
  if (names.length === 0 || unknown.length > 0) {
    return Effect.fail(
      configError(
        algorithmsVariable,
        names.length === 0 ? "no algorithm is listed" : `${unknown.join(", ")} is not an allowed algorithm`,
        `List one or more of ${asymmetricAlgorithms.join(", ")}, separated by commas.`
      )
    )
  }
  return Effect.succeed(names)
}

const required = (variable: string, value: Option.Option<string>): Effect.Effect<string, KeyConfigError> =>
  Option.isSome(value) && value.value.trim() !== ""
    ? Effect.succeed(value.value.trim())
    : Effect.fail(
        configError(variable, "the variable is not set, and tokens from a JWK set must be checked against it", `Set ${variable}.`)
      )

/**
 * Reads the JWK set settings, or none when neither CLAIM_DRAFTS_JWKS_URL nor
 * CLAIM_DRAFTS_JWKS_FILE is set. Issuer and audience are then required, and the token
 * settings without a key set are rejected rather than silently ignored.
 */
export const jwksSettings: Effect.Effect<Option.Option<JwksSettings>, KeyConfigError | ConfigError.ConfigError> =
  Effect.gen(function* () {
    const values = yield* raw

    if (Option.isNone(values.url) && Option.isNone(values.file)) {
      const stray = [
        Option.isSome(values.issuer) ? [issuerVariable] : [],
        Option.isSome(values.audience) ? [audienceVariable] : [],
        Option.isSome(values.algorithms) ? [algorithmsVariable] : []
      ].flat()
      if (stray.length === 0) return Option.none()
      return yield* configError(
        stray.join(", "),
        "token settings are set but no JWK set is configured, so they would be ignored",
        `Set ${jwksUrlVariable} or ${jwksFileVariable}, or unset them to use the embedded HS256 tokens.`
      )
    }
    if (Option.isSome(values.url) && Option.isSome(values.file)) {
      return yield* configError(`${jwksUrlVariable}, ${jwksFileVariable}`, "both key set sources are set", "Set only one of them.")
    }

    const source: JwksSource = Option.isSome(values.url)
      ? { _tag: "Url", url: yield* parseJwksUrl(values.url.value) }
      : { _tag: "File", path: Option.getOrThrow(values.file) }
    const rules: TokenRules = {
      algorithms: yield* parseAlgorithms(values.algorithms),
      issuer: yield* required(issuerVariable, values.issuer),
      audience: yield* required(audienceVariable, values.audience)
    }
    return Option.some({ source, rules })
  })
