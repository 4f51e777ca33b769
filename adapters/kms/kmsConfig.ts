import type { KMSClientConfig } from "@aws-sdk/client-kms"
import { Config, Option } from "effect"

/** Bounds on retrying a KMS call; the defaults fit an interactive request. */
export interface KmsRetryPolicy {
  /** Attempts per call, the first included. Default 4. */
  readonly maxAttempts: number
  /** Delay before the first retry in ms, doubled for each later retry and jittered by up to 20 % either way. Default 50. */
  readonly baseDelayMillis: number
  /** Maximum delay between two attempts in ms, before jitter. Default 1000. */
  readonly maxDelayMillis: number
  /** Maximum time one attempt may take in ms, connecting included. Default 3000. */
  readonly attemptTimeoutMillis: number
  /** The Retry-After value of `KeyUnavailable` once retries are exhausted, in seconds. Default 5. */
  readonly retryAfterSeconds: number
}

export const defaultRetryPolicy: KmsRetryPolicy = {
  maxAttempts: 4,
  baseDelayMillis: 50,
  maxDelayMillis: 1000,
  attemptTimeoutMillis: 3000,
  retryAfterSeconds: 5
}

export interface KmsKeyProviderConfig {
  /** AWS_REGION: the region of the KMS endpoint and of any bare key id. */
  readonly region: string
  /** CLAIM_DRAFTS_KMS_KEY_ID: key ARN or key id that wraps new data keys (not an alias). */
  readonly encryptingKeyId: string
  /** CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS: further key ARNs or key ids that may unwrap, such as retired keys. */
  readonly decryptingKeyIds: ReadonlyArray<string>
  /** CLAIM_DRAFTS_ENVIRONMENT, default "development": part of the KMS encryption context. */
  readonly environment: string
  /** KMS_ENDPOINT: an endpoint URL that replaces the regional one, for tests. */
  readonly endpoint?: string | undefined
  /** Static credentials; when absent, the SDK's default credential chain applies. Tests always set them. */
  readonly credentials?: KMSClientConfig["credentials"] | undefined
  readonly retry?: Partial<KmsRetryPolicy> | undefined
}

const commaList = (value: string): ReadonlyArray<string> =>
  value.split(",").map((item) => item.trim()).filter((item) => item !== "")

export const config: Config.Config<KmsKeyProviderConfig> = Config.all({
  region: Config.string("AWS_REGION"),
  encryptingKeyId: Config.string("CLAIM_DRAFTS_KMS_KEY_ID").pipe(Config.map((value) => value.trim())),
  decryptingKeyIds: Config.string("CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS").pipe(Config.withDefault(""), Config.map(commaList)),
  environment: Config.string("CLAIM_DRAFTS_ENVIRONMENT").pipe(Config.withDefault("development")),
  endpoint: Config.option(Config.string("KMS_ENDPOINT")).pipe(Config.map(Option.getOrUndefined))
})
