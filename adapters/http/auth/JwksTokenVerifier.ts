import { readFile } from "node:fs/promises"
import { Effect, Layer } from "effect"
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet } from "jose"
import { KeyConfigError } from "../../KeyConfigError.ts"
import { jwksFileVariable, type JwksSettings } from "./jwksConfig.ts"
import { TokenVerifier, type TokenVerifierShape } from "./TokenVerifier.ts"
import { verifyJwt } from "./verifyJwt.ts"

/** Milliseconds a key set fetch may take before the request gets 503. */
const fetchTimeoutMillis = 5_000

const isKeySet = (value: unknown): value is JSONWebKeySet =>
  typeof value === "object" && value !== null && Array.isArray((value as { keys?: unknown }).keys)

/** Checks for private or shared keys, which must not be in a verification key set because anyone who reads it could mint tokens. */
const holdsSecretMaterial = (keySet: JSONWebKeySet): boolean =>
  keySet.keys.some((key) => "d" in key || key.kty === "oct")

const fileError = (path: string, problem: string, cause?: unknown) =>
  new KeyConfigError({
    source: `${jwksFileVariable} (${path})`,
    problem,
    fix: "Point it to a readable JSON file of the form {\"keys\": [...]} that holds public keys only.",
    cause
  })

/** Reads and checks a JWK set file once, at startup; rotating keys needs a restart. */
const readKeySetFile = (path: string): Effect.Effect<JSONWebKeySet, KeyConfigError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (cause) => fileError(path, "the file cannot be read", cause)
    })
    const parsed = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => fileError(path, "the file is not valid JSON")
    })
    if (!isKeySet(parsed)) return yield* fileError(path, "the \"keys\" array is missing")
    if (holdsSecretMaterial(parsed)) return yield* fileError(path, "the key set contains private or symmetric keys")
    return parsed
  })

/** Verifies tokens against a JWK set, fetched (and cached by jose) or read from a file. */
export const make = (settings: JwksSettings): Effect.Effect<TokenVerifierShape, KeyConfigError> =>
  Effect.gen(function* () {
    if (settings.source._tag === "Url") {
      const keys = createRemoteJWKSet(settings.source.url, { timeoutDuration: fetchTimeoutMillis })
      return { verify: (token: string) => verifyJwt(token, keys, settings.rules, true) }
    }

    const path = settings.source.path
    const keySet = yield* readKeySetFile(path)
    const keys = yield* Effect.try({
      try: () => createLocalJWKSet(keySet),
      catch: (cause) => fileError(path, "the key set is malformed", cause)
    })
    return { verify: (token: string) => verifyJwt(token, keys, settings.rules, false) }
  })

export const layer = (settings: JwksSettings): Layer.Layer<TokenVerifier, KeyConfigError> =>
  Layer.effect(TokenVerifier, make(settings))
