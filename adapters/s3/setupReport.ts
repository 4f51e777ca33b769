import { Schema } from "effect"
import { type ConditionalWriteProbe, conditionalCreateEnforced } from "./probeConditionalWrites.ts"

/** Bucket settings that keep drafts private and bounded in time. */
export type Protection = "public-access-block" | "lifecycle-expiration" | "abort-incomplete-multipart-uploads"

export interface MissingProtection {
  readonly protection: Protection
  /** Reason the protection is missing, in words an operator can act on. */
  readonly reason: string
}

export interface BucketSetupReport {
  readonly bucket: string
  /** Key prefix the lifecycle rule applies to; empty for the whole bucket. */
  readonly prefix: string
  readonly bucketCreated: boolean
  /** Days after which the lifecycle rule expires an object. */
  readonly expirationDays: number
  readonly applied: ReadonlyArray<Protection>
  /** Protections the store does not implement; empty when setup is complete. */
  readonly missing: ReadonlyArray<MissingProtection>
  readonly conditionalWrites: ConditionalWriteProbe
}

/** Setup stopped on an S3 error other than a missing feature; nothing after `step` ran. */
export class BucketSetupFailed extends Schema.TaggedError<BucketSetupFailed>()("BucketSetupFailed", {
  step: Schema.String,
  code: Schema.String,
  /** The IAM action the step needs, named in the message. */
  permission: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message() {
    return `Bucket setup failed during ${this.step} with ${this.code}; check the bucket name and that the credentials allow ${this.permission}, then run setup again.`
  }
}

export const isSetupComplete = (report: BucketSetupReport): boolean => report.missing.length === 0

const describe = (protection: Protection, report: BucketSetupReport): string => {
  const scope = report.prefix === "" ? "in the bucket" : `under ${report.prefix}`
  switch (protection) {
    case "public-access-block":
      return "public access block (public ACLs and policies blocked and ignored)"
    case "lifecycle-expiration":
      return `objects ${scope} expire ${report.expirationDays} days after they are written, noncurrent versions after 1 day`
    case "abort-incomplete-multipart-uploads":
      return `incomplete multipart uploads ${scope} are aborted after 1 day`
  }
}

/** Renders the report as lines for a terminal, missing protections last before the probe result. */
export const renderSetupReport = (report: BucketSetupReport): ReadonlyArray<string> => {
  const probe = report.conditionalWrites
  const createOnly = conditionalCreateEnforced(probe)
    ? "create-only writes are enforced by this store"
    : "create-only writes are NOT enforced by this store, so writers must be serialized elsewhere"

  return [
    `Bucket ${report.bucket}: ${report.bucketCreated ? "created" : "already existed"}.`,
    ...report.applied.map((protection) => `Applied: ${describe(protection, report)}.`),
    ...report.missing.map(({ protection, reason }) => `Missing: ${describe(protection, report)}. ${reason}`),
    `Conditional writes: If-None-Match ${probe.ifNoneMatch}, If-Match ${probe.ifMatch}; ${createOnly}.`
  ]
}
