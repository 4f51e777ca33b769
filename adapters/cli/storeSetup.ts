import { Config, Console, Effect, Option } from "effect"
import { DraftsConfig } from "../../programs/DraftsConfig.ts"
import * as keyServices from "../keyServices.ts"
import { acquireClient } from "../s3/s3Client.ts"
import { settingsConfig } from "../s3/S3Settings.ts"
import { expirationDaysFor, setupBucket } from "../s3/setup.ts"
import { renderSetupReport } from "../s3/setupReport.ts"
import { checkKeyRoundTrip } from "./keyCheck.ts"

/** Sets up the bucket when CLAIM_DRAFTS_S3_BUCKET is set, printing the report; returns the protections it could not apply. */
export const setupDurableTier = Effect.gen(function* () {
  const bucket = yield* Config.option(Config.string("CLAIM_DRAFTS_S3_BUCKET"))
  if (Option.isNone(bucket)) {
    yield* Console.log("Durable tier: filesystem (CLAIM_DRAFTS_S3_BUCKET is unset); there is no bucket to set up.")
    return []
  }

  const settings = yield* settingsConfig
  const retention = yield* Effect.provide(DraftsConfig, DraftsConfig.layerConfig)
  const report = yield* Effect.scoped(
    Effect.flatMap(acquireClient(settings), (client) =>
      setupBucket(client, {
        bucket: settings.bucket,
        ...(settings.prefix === undefined ? {} : { prefix: settings.prefix }),
        region: settings.region,
        expirationDays: expirationDaysFor(retention)
      })
    )
  )

  for (const line of renderSetupReport(report)) yield* Console.log(line)
  return report.missing.map(({ protection }) => protection)
})

/** Checks that the configured key service wraps and unwraps a data key, and prints which key it used. */
export const checkKeyService = Effect.gen(function* () {
  const kms = Option.isSome(yield* Config.option(Config.string("CLAIM_DRAFTS_KMS_KEY_ID")))
  const keyId = yield* Effect.provide(checkKeyRoundTrip, keyServices.layerConfig)
  yield* Console.log(
    `Key service: ${kms ? "AWS KMS" : "local keyring"}; a data key was generated and unwrapped under key ${keyId}.`
  )
})
