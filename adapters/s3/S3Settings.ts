import type { S3ClientConfig } from "@aws-sdk/client-s3"
import { Config, Option } from "effect"

/** Location of the drafts in S3 and settings of the client. Each field states its default. */
export interface S3Settings {
  readonly bucket: string
  /** Prepended to every object key; `drafts` becomes `drafts/` (default none: keys start at the bucket root). */
  readonly prefix?: string
  /** AWS region of the bucket (default us-east-1). */
  readonly region: string
  /** URL of an S3-compatible store; when set, requests use path-style addressing (default AWS S3). */
  readonly endpoint?: string
  /** Static credentials for S3-compatible stores and tests (default the SDK's credential chain). */
  readonly credentials?: S3ClientConfig["credentials"]
  /** Attempts per request including the first; retries back off with jitter (default 3). */
  readonly maxAttempts?: number
  /** Maximum time to open a connection, in milliseconds (default 2,000). */
  readonly connectionTimeoutMillis?: number
  /** Maximum time for one attempt from request to complete response, in milliseconds (default 10,000). */
  readonly requestTimeoutMillis?: number
}

/** S3 bucket naming rule, checked early so a typo fails at startup with a clear message. */
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Returns the key prefix with exactly one trailing `/`, or the empty string. */
export const normalizePrefix = (prefix: string | undefined): string =>
  prefix === undefined || prefix === "" ? "" : `${prefix.replace(/\/+$/, "")}/`

/**
 * Reads `CLAIM_DRAFTS_S3_BUCKET`, `CLAIM_DRAFTS_S3_PREFIX` (optional), `AWS_REGION` (default
 * us-east-1) and `S3_ENDPOINT` (optional). Credentials come from the SDK's credential chain.
 */
export const settingsConfig: Config.Config<S3Settings> = Config.all({
  bucket: Config.string("CLAIM_DRAFTS_S3_BUCKET").pipe(
    Config.validate({
      message: "CLAIM_DRAFTS_S3_BUCKET must be a valid S3 bucket name: 3 to 63 characters from a-z 0-9 . -",
      validation: (bucket) => bucketPattern.test(bucket)
    })
  ),
  prefix: Config.string("CLAIM_DRAFTS_S3_PREFIX").pipe(
    Config.withDefault(""),
    Config.validate({
      message: "CLAIM_DRAFTS_S3_PREFIX must not start with '/'; write drafts/ rather than /drafts/",
      validation: (prefix) => !prefix.startsWith("/")
    })
  ),
  region: Config.string("AWS_REGION").pipe(Config.withDefault("us-east-1")),
  endpoint: Config.option(
    Config.string("S3_ENDPOINT").pipe(
      Config.validate({
        message: "S3_ENDPOINT must be an absolute URL such as http://127.0.0.1:9000",
        validation: (endpoint) => URL.canParse(endpoint)
      })
    )
  )
}).pipe(
  Config.map(({ bucket, endpoint, prefix, region }) => ({
    bucket,
    prefix,
    region,
    ...Option.match(endpoint, { onNone: () => ({}), onSome: (url) => ({ endpoint: url }) })
  }))
)
