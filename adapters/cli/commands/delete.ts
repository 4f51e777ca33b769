import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { InvalidOption, NotDurable } from "../cliErrors.ts"
import { withDrafts } from "../dataStack.ts"
import { draftIdArgument, ifMatchOption, ownerOption, parseDraftId, parseEtag, parseOwner } from "../options.ts"

const allOption = Options.boolean("all").pipe(Options.withDescription("Delete every live draft of the owner."))

type Target =
  | { readonly _tag: "One"; readonly draftId: string; readonly etag: Option.Option<string> }
  | { readonly _tag: "All" }

/** Resolves what to delete: a draft id, or --all alone, since --if-match applies to one draft only. */
const targetOf = (draftId: Option.Option<string>, all: boolean, ifMatch: Option.Option<string>) => {
  if (all && (Option.isSome(draftId) || Option.isSome(ifMatch))) {
    return Effect.fail(new InvalidOption({ option: "--all", rule: "it deletes every draft, so give it without a draft id or --if-match" }))
  }
  if (all) return Effect.succeed<Target>({ _tag: "All" })
  if (Option.isNone(draftId)) {
    return Effect.fail(new InvalidOption({ option: "draftId", rule: "it is missing; name the draft to delete, or pass --all" }))
  }
  return Effect.succeed<Target>({ _tag: "One", draftId: draftId.value, etag: ifMatch })
}

export const remove = Command.make(
  "delete",
  {
    owner: ownerOption,
    draftId: draftIdArgument.pipe(Args.optional),
    ifMatch: ifMatchOption.pipe(Options.optional),
    all: allOption
  },
  (input) =>
    Effect.gen(function* () {
      const owner = yield* parseOwner(input.owner)
      const target = yield* targetOf(input.draftId, input.all, input.ifMatch)

      if (target._tag === "All") {
        const result = yield* withDrafts(({ drafts, sharedHotTier }) =>
          Effect.tap(drafts.deleteAll(owner), (result) =>
            result.durable ? Effect.void : new NotDurable({ subject: "The deletion of every draft", retained: sharedHotTier })
          )
        )
        return yield* Console.log(`Deleted ${result.deleted} draft${result.deleted === 1 ? "" : "s"}.`)
      }

      const draftId = yield* parseDraftId(target.draftId)
      const etag = Option.isSome(target.etag) ? yield* parseEtag(target.etag.value) : undefined
      yield* withDrafts(({ drafts, sharedHotTier }) =>
        Effect.tap(drafts.delete({ owner, draftId, ...(etag === undefined ? {} : { etag }) }), (result) =>
          result.durable ? Effect.void : new NotDurable({ subject: "The deletion", retained: sharedHotTier })
        )
      )
      yield* Console.log("Deleted 1 draft.")
    })
).pipe(
  Command.withDescription(
    "Delete a draft (only if it is still the version --if-match names, when given), or every draft of the owner with --all. The deletion is made durable, so no restore brings the draft back."
  )
)
