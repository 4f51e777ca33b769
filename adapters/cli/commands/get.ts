import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { withDrafts } from "../dataStack.ts"
import { draftIdArgument, ownerOption, parseDraftId, parseOwner } from "../options.ts"
import { describeVersion, loadedJson, printDocument, printJson, printNote } from "../output.ts"

const metaOption = Options.boolean("meta").pipe(
  Options.withDescription("Print the metadata (etag, seq, state, times, tier) as JSON instead of the document.")
)

export const get = Command.make(
  "get",
  { owner: ownerOption, draftId: draftIdArgument, meta: metaOption },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const draftId = yield* parseDraftId(input.draftId)
      const draft = yield* withDrafts(({ drafts }) => drafts.load({ owner, draftId }))

      if (input.meta) return yield* printJson(loadedJson(draft))
      yield* printNote(`${describeVersion(draft)}\ntier: ${draft.tier}`)
      yield* printDocument(draft.document)
    })
).pipe(
  Command.withDescription(
    "Print the current document of a draft to standard output exactly as stored, and its metadata to standard error."
  )
)
