import { Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { SetupIncomplete } from "../cliErrors.ts"
import { loadStoreSetup } from "../lazyModules.ts"

const acceptMissingOption = Options.boolean("accept-missing").pipe(
  Options.withDescription("Exit 0 even if protections are missing, after listing them; for stores that cannot provide them.")
)

export const setup = Command.make("setup", { acceptMissing: acceptMissingOption }, (input) =>
  Effect.gen(function* () {
    const { checkKeyService, setupDurableTier } = yield* loadStoreSetup
    const missing = yield* setupDurableTier
    yield* checkKeyService

    if (missing.length === 0) return yield* Console.log("Setup is complete.")
    if (!input.acceptMissing) return yield* new SetupIncomplete({ missing })
    yield* Console.log(`Setup finished with missing protections, accepted by --accept-missing: ${missing.join(", ")}.`)
  })
).pipe(
  Command.withDescription(
    "Prepare the configured stores: create the S3 bucket if needed, block public access, install the retention lifecycle rule and probe conditional writes; then check that the key service wraps and unwraps a data key. Lists missing protections and exits 8 unless --accept-missing is given. Safe to run again."
  )
)
