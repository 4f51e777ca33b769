import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { Replace } from "../../../programs/model.ts"
import { makeDurable, withDrafts } from "../dataStack.ts"
import { draftIdArgument, ifMatchOption, ownerOption, parseDraftId, parseEtag, parseOwner } from "../options.ts"
import { describeVersion, printDocument, printJson, printNote, versionJson } from "../output.ts"

const metaOption = Options.boolean("meta").pipe(
  Options.withDescription("Print the submitted version as JSON instead of the document.")
)

export const submit = Command.make(
  "submit",
  { owner: ownerOption, draftId: draftIdArgument, ifMatch: ifMatchOption, meta: metaOption },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const draftId = yield* parseDraftId(input.draftId)
      const etag = yield* parseEtag(input.ifMatch)

      const { document, version } = yield* withDrafts((context) =>
        Effect.gen(function* () {
          const submitted = yield* context.drafts.submit({ owner, draftId, precondition: Replace(etag) })
          const version = yield* makeDurable(context, { owner, draftId }, "The submission")
          return { document: submitted.document, version }
        })
      )

      if (input.meta) return yield* printJson(versionJson(version))
      yield* printNote(describeVersion(version))
      yield* printDocument(document)
    })
).pipe(
  Command.withDescription(
    "Submit a draft: it becomes read-only and stays readable for the submit grace period. Prints the final document to standard output. A repeated submit within the grace period prints the same document."
  )
)
