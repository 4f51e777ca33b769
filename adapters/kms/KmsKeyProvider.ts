import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms"
import { type ConfigError, Effect, Layer, type Scope } from "effect"
import { IntegrityFailure, KeyUnavailable } from "../../domain/errors.ts"
import type { KeyReference } from "../../domain/record.ts"
import { type DataKey, KeyProvider, type KeyProviderShape } from "../../programs/ports/KeyProvider.ts"
import { KeyConfigError } from "../KeyConfigError.ts"
import { callKms, type KmsCallFailure } from "./kmsCall.ts"
import { config, defaultRetryPolicy, type KmsKeyProviderConfig } from "./kmsConfig.ts"
import { type ConfiguredKey, isAlias, matchesConfiguredKey, parseConfiguredKey, parseKeyArn } from "./kmsKeyIds.ts"

/** Purpose named in the KMS encryption context of every data key. */
export const dataKeyPurpose = "claim-drafts/data-key"

const dataKeyBytes = 32

/** Maximum lengths in bytes of the key id and the wrapped key in a record (domain/record.ts). */
const maxKeyIdBytes = 255
const maxWrappedKeyBytes = 0xffff

// KMS errors meaning that this ciphertext, key and context do not belong together. A key
// that an envelope names and KMS does not have counts too, because the envelope was altered.
const integrityErrorNames = new Set(["InvalidCiphertextException", "IncorrectKeyException", "NotFoundException"])

const parseKeys = (settings: KmsKeyProviderConfig) => {
  const parse = (variable: string, value: string) => {
    if (isAlias(value)) {
      return Effect.fail(
        new KeyConfigError({
          source: variable,
          problem: `${value} is an alias, which can later name another key`,
          fix: "Use the key ARN or key id (`aws kms describe-key --key-id <alias>` shows it)."
        })
      )
    }

    const key = parseConfiguredKey(value, settings.region)
    return key === undefined
      ? Effect.fail(
        new KeyConfigError({
          source: variable,
          problem: `${value} is neither a KMS key ARN nor a key id`,
          fix: "Use arn:aws:kms:<region>:<account>:key/<key id> or the bare key id."
        })
      )
      : Effect.succeed(key)
  }

  return Effect.all({
    encrypting: parse("CLAIM_DRAFTS_KMS_KEY_ID", settings.encryptingKeyId),
    decrypting: Effect.forEach(settings.decryptingKeyIds, (value) => parse("CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS", value))
  })
}

/** Copies the SDK's plaintext into a buffer of our own and zeroes the SDK's copy. */
const takePlaintext = (plaintext: Uint8Array | undefined): Uint8Array | undefined => {
  if (plaintext === undefined) return undefined

  const copy = plaintext.length === dataKeyBytes ? new Uint8Array(plaintext) : undefined
  plaintext.fill(0)
  return copy
}

/**
 * Creates a KeyProvider over AWS KMS. GenerateDataKey runs under the encrypting key, and
 * Decrypt runs only for a key id that is the encrypting key or a listed decrypting key. Both
 * bind the encryption context `{ purpose, environment }`, while the per-draft binding lives
 * in the record's AAD. Responses are validated before use.
 */
export const make = (
  settings: KmsKeyProviderConfig,
  client: KMSClient
): Effect.Effect<KeyProviderShape, KeyConfigError> =>
  Effect.gen(function*() {
    const keys = yield* parseKeys(settings)
    const allowed: ReadonlyArray<ConfiguredKey> = [keys.encrypting, ...keys.decrypting]
    const policy = { ...defaultRetryPolicy, ...settings.retry }
    const encryptionContext = { purpose: dataKeyPurpose, environment: settings.environment }

    const unavailable = (method: string) => (failure: KmsCallFailure) =>
      new KeyUnavailable({ method, retryAfterSeconds: policy.retryAfterSeconds, cause: failure.error })

    const generateDataKey: Effect.Effect<DataKey, KeyUnavailable> = callKms(
      "GenerateDataKey",
      policy,
      (abortSignal) =>
        client.send(
          new GenerateDataKeyCommand({ KeyId: settings.encryptingKeyId, KeySpec: "AES_256", EncryptionContext: encryptionContext }),
          { abortSignal }
        )
    ).pipe(
      Effect.mapError(unavailable("KMS GenerateDataKey")),
      Effect.flatMap((output) => {
        const plaintext = takePlaintext(output.Plaintext)
        const invalid = (problem: string) => {
          plaintext?.fill(0)
          return Effect.fail(
            new KeyUnavailable({
              method: "KMS GenerateDataKey",
              retryAfterSeconds: policy.retryAfterSeconds,
              cause: new Error(`KMS GenerateDataKey response rejected: ${problem}`)
            })
          )
        }

        // Postcondition: KMS returned a 32-byte data key.
        if (plaintext === undefined) return invalid(`Plaintext is missing or not ${dataKeyBytes} bytes`)

        // Postcondition: KMS returned a wrapped key that the record format can store.
        const wrappedKey = output.CiphertextBlob
        if (wrappedKey === undefined || wrappedKey.length === 0 || wrappedKey.length > maxWrappedKeyBytes) {
          return invalid("CiphertextBlob is missing or too long")
        }

        // Postcondition: the key that KMS used is the configured encrypting key.
        const arn = output.KeyId === undefined ? undefined : parseKeyArn(output.KeyId)
        if (arn === undefined || !matchesConfiguredKey(keys.encrypting, arn)) {
          return invalid("KeyId is not the ARN of CLAIM_DRAFTS_KMS_KEY_ID")
        }
        if (Buffer.byteLength(arn.arn, "utf8") > maxKeyIdBytes) return invalid("KeyId is too long to store")

        return Effect.succeed({ keyId: arn.arn, plaintext, wrappedKey })
      })
    )

    const unwrapDataKey = (reference: KeyReference): Effect.Effect<Uint8Array, KeyUnavailable | IntegrityFailure> =>
      Effect.suspend(() => {
        // Precondition: the envelope names a configured key, so KMS is never called for others.
        const arn = parseKeyArn(reference.keyId)
        if (arn === undefined || !allowed.some((key) => matchesConfiguredKey(key, arn))) {
          return Effect.fail(new IntegrityFailure({ reason: "the wrapped data key names a KMS key that is not configured for decryption" }))
        }

        return callKms("Decrypt", policy, (abortSignal) =>
          client.send(
            new DecryptCommand({
              KeyId: arn.arn,
              CiphertextBlob: reference.wrappedKey,
              EncryptionContext: encryptionContext,
              EncryptionAlgorithm: "SYMMETRIC_DEFAULT"
            }),
            { abortSignal }
          )).pipe(
            Effect.mapError((failure) =>
              failure._tag === "Rejected" && integrityErrorNames.has(failure.name)
                ? new IntegrityFailure({ reason: `KMS rejected the wrapped data key (${failure.name})` })
                : unavailable("KMS Decrypt")(failure)
            ),
            Effect.flatMap((output) => {
              const plaintext = takePlaintext(output.Plaintext)

              // Postcondition: KMS returned a 32-byte data key.
              if (plaintext === undefined) {
                return Effect.fail(new IntegrityFailure({ reason: `KMS Decrypt returned no ${dataKeyBytes}-byte data key` }))
              }

              // Postcondition: KMS decrypted with the key the envelope names.
              if (output.KeyId !== arn.arn) {
                plaintext.fill(0)
                return Effect.fail(new IntegrityFailure({ reason: "KMS Decrypt used another key than the envelope names" }))
              }
              return Effect.succeed(plaintext)
            })
          )
      })

    return { generateDataKey, unwrapDataKey }
  })

/**
 * Creates a KMS client that is destroyed with its scope. Its own retries are off because
 * callKms retries within its own bound. Without `credentials` the SDK's default credential
 * chain applies.
 */
export const makeClient = (settings: KmsKeyProviderConfig): Effect.Effect<KMSClient, never, Scope.Scope> => {
  const timeout = settings.retry?.attemptTimeoutMillis ?? defaultRetryPolicy.attemptTimeoutMillis

  return Effect.acquireRelease(
    Effect.sync(() =>
      new KMSClient({
        region: settings.region,
        maxAttempts: 1,
        requestHandler: { connectionTimeout: timeout, requestTimeout: timeout },
        ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
        ...(settings.credentials === undefined ? {} : { credentials: settings.credentials })
      })
    ),
    (client) => Effect.sync(() => client.destroy())
  )
}

export const layer = (settings: KmsKeyProviderConfig): Layer.Layer<KeyProvider, KeyConfigError> =>
  Layer.scoped(KeyProvider, Effect.flatMap(makeClient(settings), (client) => make(settings, client)))

/** Reads AWS_REGION, CLAIM_DRAFTS_KMS_KEY_ID, CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS, CLAIM_DRAFTS_ENVIRONMENT and KMS_ENDPOINT. */
export const layerConfig: Layer.Layer<KeyProvider, KeyConfigError | ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(config, layer)
)
