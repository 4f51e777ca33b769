import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { Effect } from "effect"
import type { PutIfAbsentOutcome } from "../../programs/ports/DurableStore.ts"
import { conditionalCreateEnforced, probeConditionalWrites } from "./probeConditionalWrites.ts"
import { sendAbortable } from "./s3Client.ts"
import { errorCode, isPreconditionFailed, toStoreUnavailable } from "./s3Errors.ts"
import type { S3Location } from "./S3DurableStore.ts"

/**
 * Sends PutObject with `If-None-Match: *`. S3 responds with 412 when the key exists and keeps the object.
 * A 409 ConditionalRequestConflict means a concurrent conditional write on the key, which may
 * still fail. So it is not taken as "exists" but raised as a retryable `StoreUnavailable`.
 */
export const putIfAbsent = (client: S3Client, bucket: string, key: string, bytes: Uint8Array) =>
  sendAbortable((options) =>
    client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentType: "application/octet-stream",
        IfNoneMatch: "*"
      }),
      options
    )
  ).pipe(
    Effect.as<PutIfAbsentOutcome>("created"),
    Effect.catchIf(isPreconditionFailed, () => Effect.succeed<PutIfAbsentOutcome>("exists")),
    Effect.mapError(toStoreUnavailable("putIfAbsent"))
  )

/**
 * Runs the conditional-write probe once and returns whether the store enforces create-only
 * writes. A probe that fails (the store is unreachable, say) counts as not enforced, so saves
 * fail with 503 while the hot tier is down until the next start proves otherwise.
 */
export const conditionalCreateAtStartup = (client: S3Client, location: S3Location): Effect.Effect<boolean> =>
  probeConditionalWrites(client, location).pipe(
    Effect.map(conditionalCreateEnforced),
    Effect.tap((enforced) =>
      Effect.logInfo(
        enforced
          ? "The S3 store enforces If-None-Match: saves go straight to S3 while the hot tier is down."
          : "The S3 store does not enforce If-None-Match: saves fail with 503 while the hot tier is down."
      )
    ),
    Effect.catchAll((error) =>
      Effect.logWarning(
        `The conditional-write probe failed (${errorCode(error.cause)}); saves fail with 503 while the hot tier is down.`
      ).pipe(Effect.annotateLogs({ method: error.method }), Effect.as(false))
    ),
    Effect.annotateLogs({ module: "S3DurableStore" })
  )
