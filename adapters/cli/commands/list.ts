import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import type { DraftVersion } from "../../../programs/model.ts"
import { withDrafts } from "../dataStack.ts"
import { jsonOption, ownerOption, parseOwner } from "../options.ts"
import { formatTable, printJson, versionJson } from "../output.ts"

const tableOf = (versions: ReadonlyArray<DraftVersion>): string =>
  formatTable([
    ["DRAFT ID", "STATE", "SEQ", "SAVED", "EXPIRES", "DURABLE", "ETAG"],
    ...versions.map((version) => {
      const json = versionJson(version)
      return [json.draftId, json.state, String(json.seq), json.savedAt, json.expiresAt, json.durable ? "yes" : "no", json.etag]
    })
  ])

export const list = Command.make("list", { owner: ownerOption, json: jsonOption }, (input) =>
  Effect.gen(function* () {
    const owner = yield* parseOwner(input.owner)
    const versions = yield* withDrafts(({ drafts }) => drafts.list(owner))

    if (input.json) return yield* printJson(versions.map(versionJson))
    yield* versions.length === 0 ? Console.error("No live drafts for this owner.") : Console.log(tableOf(versions))
  })
).pipe(
  Command.withDescription(
    "List the owner's live drafts, newest save first: id, state, seq, times, durability and ETag. A draft that fails its integrity check is left out and logged."
  )
)
