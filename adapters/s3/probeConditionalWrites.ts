import { randomBytes } from "node:crypto"
import { DeleteObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3"
import { Effect } from "effect"
import type { StoreUnavailable } from "../../domain/errors.ts"
import { sendAbortable } from "./s3Client.ts"
import type { S3Location } from "./S3DurableStore.ts"
import { errorCode, httpStatus, isNotImplemented, isPreconditionFailed, toStoreUnavailable } from "./s3Errors.ts"
import { normalizePrefix } from "./S3Settings.ts"

/**
 * Outcome of one conditional PutObject whose condition was false:
 * - `enforced`: it rejected the write with 412 Precondition Failed and kept the object;
 * - `ignored`: it overwrote the object as if no condition had been sent (s3rver does this);
 * - `unsupported`: it rejected the header itself, for example with 501 Not Implemented.
 */
export type ConditionOutcome = "enforced" | "ignored" | "unsupported"

export interface ConditionalWriteProbe {
  /** PutObject with `If-None-Match: *` on a key that exists. */
  readonly ifNoneMatch: ConditionOutcome
  /** PutObject with `If-Match` naming an ETag the object does not have. */
  readonly ifMatch: ConditionOutcome
}

/**
 * True when the store rejects a create-only PutObject on an existing key, which makes a
 * direct save to S3 safe when the hot tier cannot serialize writers. Amazon S3 enforces
 * both conditions since late 2024; several S3-compatible stores accept the headers and ignore them.
 */
export const conditionalCreateEnforced = (probe: ConditionalWriteProbe): boolean => probe.ifNoneMatch === "enforced"

/**
 * Probe objects live under this name below the store's prefix. `.` never occurs in a
 * base64url digest, so no draft path can collide with a probe key.
 */
export const probeKeyPrefix = ".probe/"

/** An ETag no stored object has: S3 ETags are MD5-sized hex, and this one is all zeros. */
const wrongEtag = `"${"0".repeat(32)}"`

const probeBody = new TextEncoder().encode("conditional write probe")

/** Statuses that mean the store rejected the condition header itself rather than evaluating it. */
const headerRejectedStatuses = new Set([400, 501])

const classify = (error: unknown): ConditionOutcome | undefined =>
  isPreconditionFailed(error)
    ? "enforced"
    : isNotImplemented(error) || headerRejectedStatuses.has(httpStatus(error) ?? 0)
      ? "unsupported"
      : undefined

/**
 * Detects whether the store enforces conditional writes: it stores a probe object, then
 * sends two writes whose conditions are false and watches whether they are rejected.
 * The probe object is deleted afterwards on every path; the bucket's lifecycle rule removes
 * it if that delete fails. Failures other than the store's response to a condition fail the probe.
 */
export const probeConditionalWrites = (
  client: S3Client,
  location: S3Location
): Effect.Effect<ConditionalWriteProbe, StoreUnavailable> => {
  const key = `${normalizePrefix(location.prefix)}${probeKeyPrefix}conditional-writes-${randomBytes(8).toString("hex")}`
  const target = { Bucket: location.bucket, Key: key, Body: probeBody }

  const put = (condition: Partial<PutObjectCommandInput>) =>
    sendAbortable((options) => client.send(new PutObjectCommand({ ...target, ...condition }), options))

  const conditionalPut = (method: string, condition: Partial<PutObjectCommandInput>) =>
    put(condition).pipe(
      Effect.as<ConditionOutcome>("ignored"),
      Effect.catchAll((error) => {
        const outcome = classify(error)
        return outcome === undefined ? Effect.fail(toStoreUnavailable(method)(error)) : Effect.succeed(outcome)
      })
    )

  const removeProbe = sendAbortable((options) =>
    client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: key }), options)
  ).pipe(
    Effect.tapError((error) =>
      Effect.logWarning(`Deleting the conditional-write probe object failed (${errorCode(error)}); lifecycle expiry removes it`)
    ),
    Effect.ignore
  )

  return Effect.gen(function* () {
    yield* put({}).pipe(Effect.mapError(toStoreUnavailable("probe-put")))
    const ifNoneMatch = yield* conditionalPut("probe-if-none-match", { IfNoneMatch: "*" })
    const ifMatch = yield* conditionalPut("probe-if-match", { IfMatch: wrongEtag })
    return { ifNoneMatch, ifMatch }
  }).pipe(Effect.ensuring(removeProbe))
}
