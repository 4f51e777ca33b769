import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { withDrafts } from "../dataStack.ts"

export const sweep = Command.make("sweep", {}, () =>
  Effect.gen(function* () {
    const report = yield* withDrafts(({ drafts }) => drafts.sweepExpired)
    yield* Console.log(
      `Scanned ${report.scanned} draft${report.scanned === 1 ? "" : "s"} in the durable tier; deleted ${report.deleted} expired.`
    )
  })
).pipe(
  Command.withDescription(
    "Delete expired drafts and superseded versions from the durable tier, and print how many drafts were scanned and deleted. The hot tier needs no sweep: its records expire by themselves."
  )
)
