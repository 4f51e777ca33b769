import { Command } from "@effect/cli"
import { Effect } from "effect"
import { makeDurable, withDrafts } from "../dataStack.ts"
import { draftIdArgument, ownerOption, parseDraftId, parseOwner } from "../options.ts"
import { printJson, versionJson } from "../output.ts"

export const flush = Command.make(
  "flush",
  { owner: ownerOption, draftId: draftIdArgument },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const draftId = yield* parseDraftId(input.draftId)
      const version = yield* withDrafts((context) => makeDurable(context, { owner, draftId }, "The draft"))
      yield* printJson(versionJson(version))
    })
).pipe(
  Command.withDescription(
    "Copy the current version of a draft to the durable tier now instead of waiting for the write-behind loop. Useful with Redis, where a server may hold pending writes. Prints the version as JSON."
  )
)
