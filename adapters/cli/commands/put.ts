import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { Create, Replace } from "../../../programs/model.ts"
import { InvalidOption } from "../cliErrors.ts"
import { makeDurable, withDrafts } from "../dataStack.ts"
import { readDocument } from "../documentInput.ts"
import { draftIdArgument, fileOption, ifMatchOption, ownerOption, parseDraftId, parseEtag, parseOwner } from "../options.ts"
import { printJson, versionJson } from "../output.ts"

const createOption = Options.boolean("create").pipe(
  Options.withDescription("Create the draft; fails with exit code 4 if it already exists.")
)

/** Exactly one of --create and --if-match names the version a full replace expects. */
const precondition = (create: boolean, ifMatch: Option.Option<string>) => {
  if (create && Option.isSome(ifMatch)) {
    return Effect.fail(new InvalidOption({ option: "--create, --if-match", rule: "give only one of them" }))
  }
  if (create) return Effect.succeed(Create)
  if (Option.isSome(ifMatch)) return Effect.map(parseEtag(ifMatch.value), Replace)
  return Effect.fail(
    new InvalidOption({
      option: "--create, --if-match",
      rule: "a put must name the version it replaces: pass --create for a new draft, or --if-match ETAG with the current ETag"
    })
  )
}

export const put = Command.make(
  "put",
  {
    owner: ownerOption,
    draftId: draftIdArgument,
    create: createOption,
    ifMatch: ifMatchOption.pipe(Options.optional),
    file: fileOption
  },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const draftId = yield* parseDraftId(input.draftId)
      const condition = yield* precondition(input.create, input.ifMatch)
      const document = yield* readDocument(input.file)

      const version = yield* withDrafts((context) =>
        Effect.gen(function* () {
          yield* context.drafts.save({ owner, draftId, document, precondition: condition })
          return yield* makeDurable(context, { owner, draftId }, "The saved draft")
        })
      )
      yield* printJson(versionJson(version))
    })
).pipe(
  Command.withDescription(
    "Replace the whole document of a draft with JSON from --file or standard input, stored exactly as given, and make it durable. Prints the new version as JSON (etag, seq, times)."
  )
)
