import { Command, Options } from "@effect/cli"
import { Config, Console, Effect, Option } from "effect"
import { DraftsConfig } from "../../../programs/DraftsConfig.ts"
import * as keyServices from "../../keyServices.ts"
import { setupBucket, expirationDaysFor } from "../../s3/setup.ts"
import { renderSetupReport } from "../../s3/setupReport.ts"
import { acquireClient } from "../../s3/s3Client.ts"
import { settingsConfig } from "../../s3/S3Settings.ts"
import { SetupIncomplete } from "../cliErrors.ts"
import { checkKeyRoundTrip } from "../keyCheck.ts"

const acceptMissingOption = Options.boolean("accept-missing").pipe(
  Options.withDescription("Exit 0 even if protections are missing, after listing them; for stores that cannot provide them.")
)

/** Sets up the bucket when CLAIM_DRAFTS_S3_BUCKET is set; returns the protections it could not apply. */
const setupDurableTier = Effect.gen(function* () {
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

const checkKeys = Effect.gen(function* () {
  const kms = Option.isSome(yield* Config.option(Config.string("CLAIM_DRAFTS_KMS_KEY_ID")))
  const keyId = yield* Effect.provide(checkKeyRoundTrip, keyServices.layerConfig)
  yield* Console.log(
    `Key service: ${kms ? "AWS KMS" : "local keyring"}; a data key was generated and unwrapped under key ${keyId}.`
  )
})

export const setup = Command.make("setup", { acceptMissing: acceptMissingOption }, (input) =>
  Effect.gen(function* () {
    const missing = yield* setupDurableTier
    yield* checkKeys

    if (missing.length === 0) return yield* Console.log("Setup is complete.")
    if (!input.acceptMissing) return yield* new SetupIncomplete({ missing })
    yield* Console.log(`Setup finished with missing protections, accepted by --accept-missing: ${missing.join(", ")}.`)
  })
).pipe(
  Command.withDescription(
    "Prepare the configured stores: create the S3 bucket if needed, block public access, install the retention lifecycle rule and probe conditional writes; then check that the key service wraps and unwraps a data key. Lists missing protections and exits 8 unless --accept-missing is given. Safe to run again."
  )
)
