import { readFileSync } from "node:fs"
import { Command, HelpDoc } from "@effect/cli"
import { get } from "./commands/get.ts"
import { flush } from "./commands/flush.ts"
import { inspect } from "./commands/inspect.ts"
import { list } from "./commands/list.ts"
import { patch } from "./commands/patch.ts"
import { put } from "./commands/put.ts"
import { remove } from "./commands/delete.ts"
import { serve } from "./commands/serve.ts"
import { setup } from "./commands/setup.ts"
import { submit } from "./commands/submit.ts"
import { sweep } from "./commands/sweep.ts"
import { token } from "./commands/token.ts"
import { exitCodesHelp } from "./exitCodes.ts"

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }

const root = Command.make("claim-drafts").pipe(
  Command.withDescription(
    "Store encrypted unemployment-insurance claim drafts. Data commands run the draft programs directly on the stores the environment configures (docs/cli.md), and persist what they wrote before they exit."
  ),
  Command.withSubcommands([serve, put, get, patch, list, remove, flush, submit, token, sweep, inspect, setup])
)

/** Parses the command line (with the runtime and script path first, as in `process.argv`) and runs the command. */
export const run = Command.run(root, {
  name: "claim-drafts",
  version: packageJson.version,
  footer: HelpDoc.sequence(exitCodesHelp, HelpDoc.p("Documentation: docs/cli.md"))
})
