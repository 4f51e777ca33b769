import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand,
  type S3Client
} from "@aws-sdk/client-s3"
import { Duration, Effect } from "effect"
import { StoreUnavailable } from "../../domain/errors.ts"
import { probeConditionalWrites } from "./probeConditionalWrites.ts"
import { sendAbortable } from "./s3Client.ts"
import { errorCode, httpStatus, isNotImplemented } from "./s3Errors.ts"
import { normalizePrefix } from "./S3Settings.ts"
import { BucketSetupFailed, type BucketSetupReport, type MissingProtection, type Protection } from "./setupReport.ts"

export interface BucketSetupOptions {
  readonly bucket: string
  /** Key prefix of the store; the lifecycle rule covers only keys under it (default the whole bucket). */
  readonly prefix?: string
  /** Region to create the bucket in when it does not exist. */
  readonly region: string
  /** Whole days after which objects expire; see `expirationDaysFor`. */
  readonly expirationDays: number
}

/** ID of the lifecycle rule this setup owns; other rules in the bucket are kept as they are. */
export const lifecycleRuleId = "claim-drafts-retention"

/**
 * Days after which S3 may delete a draft object: the retention cap plus a margin. A record
 * reads as not found `min(idleRetention, maxAge)` after its save at the latest, or
 * `submitGrace` after submission, and each object is written at or after the save it holds.
 * So no object is needed longer than the larger of the two after it was written.
 * A tombstone may carry a later expiry, but deleting it then exposes nothing: every version
 * it hides was written earlier, or, if persisted late, has already expired by its own header.
 * The margin covers lifecycle rounding: S3 counts days from the next midnight UTC.
 */
export const expirationDaysFor = (
  retention: {
    readonly idleRetention: Duration.DurationInput
    readonly maxAge: Duration.DurationInput
    readonly submitGrace: Duration.DurationInput
  },
  marginDays = 1
): number => {
  const readable = Duration.min(Duration.decode(retention.idleRetention), Duration.decode(retention.maxAge))
  const cap = Duration.max(readable, Duration.decode(retention.submitGrace))
  return Math.ceil(Duration.toMillis(cap) / Duration.toMillis(Duration.days(1))) + marginDays
}

/**
 * Splits a failed step: a connection failure means the store is unreachable, an HTTP error
 * means the bucket or the credentials need fixing.
 */
const stepFailure = (step: string, permission: string) => (error: unknown): BucketSetupFailed | StoreUnavailable =>
  httpStatus(error) === undefined
    ? new StoreUnavailable({ tier: "durable", method: step, retryAfterSeconds: 1, cause: error })
    : new BucketSetupFailed({ step, code: errorCode(error), permission, cause: error })

const notImplemented = (step: string, remedy: string) =>
  `The store answered NotImplemented to ${step}; ${remedy}, or accept the risk explicitly.`

/** Returns whether it created the bucket. */
const ensureBucket = (client: S3Client, options: BucketSetupOptions) =>
  Effect.gen(function* () {
    const exists = yield* sendAbortable((abort) =>
      client.send(new HeadBucketCommand({ Bucket: options.bucket }), abort)
    ).pipe(
      Effect.as(true),
      Effect.catchIf(
        (error) => httpStatus(error) === 404,
        () => Effect.succeed(false)
      ),
      Effect.mapError(stepFailure("HeadBucket", "s3:ListBucket"))
    )
    if (exists) return false

    // us-east-1 is the default location, and S3 rejects it as an explicit constraint.
    const location =
      options.region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: options.region as BucketLocationConstraint } }

    return yield* sendAbortable((abort) =>
      client.send(new CreateBucketCommand({ Bucket: options.bucket, ...location }), abort)
    ).pipe(
      Effect.as(true),
      Effect.catchIf(
        (error) => errorCode(error) === "BucketAlreadyOwnedByYou",
        () => Effect.succeed(false)
      ),
      Effect.mapError(stepFailure("CreateBucket", "s3:CreateBucket"))
    )
  })

/** Returns whether the store implements the public access block. */
const blockPublicAccess = (client: S3Client, bucket: string) =>
  sendAbortable((abort) =>
    client.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true
        }
      }),
      abort
    )
  ).pipe(
    Effect.as(true),
    Effect.catchIf(isNotImplemented, () => Effect.succeed(false)),
    Effect.mapError(stepFailure("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"))
  )

const retentionRule = (prefix: string, expirationDays: number): LifecycleRule => ({
  ID: lifecycleRuleId,
  Status: "Enabled",
  Filter: { Prefix: prefix },
  Expiration: { Days: expirationDays },
  // Only matters if someone enables versioning: a deleted draft must not survive as an old version.
  NoncurrentVersionExpiration: { NoncurrentDays: 1 },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }
})

/**
 * Installs the retention rule, replacing an earlier rule with the same ID and keeping every
 * other rule. Returns whether the store implements lifecycle configuration.
 */
const installLifecycleRule = (client: S3Client, bucket: string, prefix: string, expirationDays: number) =>
  Effect.gen(function* () {
    const current = yield* sendAbortable((abort) =>
      client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }), abort)
    ).pipe(
      Effect.map((output) => ({ rules: output.Rules ?? [], minimumSize: output.TransitionDefaultMinimumObjectSize })),
      Effect.catchIf(
        (error) => errorCode(error) === "NoSuchLifecycleConfiguration",
        () => Effect.succeed({ rules: [], minimumSize: undefined })
      ),
      Effect.catchIf(isNotImplemented, () => Effect.succeed(undefined)),
      Effect.mapError(stepFailure("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"))
    )
    if (current === undefined) return false

    const rules = [...current.rules.filter((rule) => rule.ID !== lifecycleRuleId), retentionRule(prefix, expirationDays)]
    return yield* sendAbortable((abort) =>
      client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules: rules },
          ...(current.minimumSize === undefined ? {} : { TransitionDefaultMinimumObjectSize: current.minimumSize })
        }),
        abort
      )
    ).pipe(
      Effect.as(true),
      Effect.catchIf(isNotImplemented, () => Effect.succeed(false)),
      Effect.mapError(stepFailure("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"))
    )
  })

/**
 * Creates the bucket if needed, blocks public access, installs the retention lifecycle rule
 * and probes conditional writes. Protections the store does not implement are listed in
 * the report rather than failing setup; any other error stops it.
 */
export const setupBucket = (
  client: S3Client,
  options: BucketSetupOptions
): Effect.Effect<BucketSetupReport, BucketSetupFailed | StoreUnavailable> =>
  Effect.gen(function* () {
    if (!Number.isInteger(options.expirationDays) || options.expirationDays < 1) {
      return yield* Effect.dieMessage("expirationDays must be a whole number of days, at least 1")
    }

    const prefix = normalizePrefix(options.prefix)
    const applied: Array<Protection> = []
    const missing: Array<MissingProtection> = []

    const bucketCreated = yield* ensureBucket(client, options)

    if (yield* blockPublicAccess(client, options.bucket)) {
      applied.push("public-access-block")
    } else {
      const reason = notImplemented("PutPublicAccessBlock", "make sure no bucket policy or ACL grants public access")
      missing.push({ protection: "public-access-block", reason })
    }

    if (yield* installLifecycleRule(client, options.bucket, prefix, options.expirationDays)) {
      applied.push("lifecycle-expiration", "abort-incomplete-multipart-uploads")
    } else {
      const step = "bucket lifecycle configuration"
      missing.push(
        {
          protection: "lifecycle-expiration",
          reason: notImplemented(step, `delete objects older than ${options.expirationDays} days by other means`)
        },
        {
          protection: "abort-incomplete-multipart-uploads",
          reason: notImplemented(step, "abort multipart uploads older than a day by other means")
        }
      )
    }

    const conditionalWrites = yield* probeConditionalWrites(client, { bucket: options.bucket, prefix })

    return {
      bucket: options.bucket,
      prefix,
      bucketCreated,
      expirationDays: options.expirationDays,
      applied,
      missing,
      conditionalWrites
    }
  })
