import { Command } from "@effect/cli"
import { Effect } from "effect"
import { Replace } from "../../../programs/model.ts"
import { makeDurable, withDrafts } from "../dataStack.ts"
import { readDocument } from "../documentInput.ts"
import { draftIdArgument, fileOption, ifMatchOption, ownerOption, parseDraftId, parseEtag, parseOwner } from "../options.ts"
import { printJson, versionJson } from "../output.ts"

export const patch = Command.make(
  "patch",
  { owner: ownerOption, draftId: draftIdArgument, ifMatch: ifMatchOption, file: fileOption },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const draftId = yield* parseDraftId(input.draftId)
      const etag = yield* parseEtag(input.ifMatch)
      const mergePatch = yield* readDocument(input.file)

      const version = yield* withDrafts((context) =>
        Effect.gen(function* () {
          yield* context.drafts.patch({ owner, draftId, patch: mergePatch, precondition: Replace(etag) })
          return yield* makeDurable(context, { owner, draftId }, "The patched draft")
        })
      )
      yield* printJson(versionJson(version))
    })
).pipe(
  Command.withDescription(
    "Apply a JSON Merge Patch (RFC 7386) from --file or standard input to the current version: members merge, null removes a member. Prints the new version as JSON."
  )
)
