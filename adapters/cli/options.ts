import { Args, Options } from "@effect/cli"
import { Effect, Schema } from "effect"
import { InvalidId } from "../../domain/errors.ts"
import { DraftId, maxIdLength, minDraftIdLength, OwnerId } from "../../domain/ids.ts"
import { isStrongEtag } from "../../domain/version.ts"
import { InvalidOption } from "./cliErrors.ts"

/** Options and arguments shared by several commands, and the checks that turn their text into domain values. */

const idCharacters = "A-Z a-z 0-9 . _ ~ -"

export const ownerOption = Options.text("owner").pipe(
  Options.withDescription(`Owner id (the claimant): 1 to ${maxIdLength} characters from ${idCharacters}. Required.`)
)

export const draftIdArgument = Args.text({ name: "draftId" }).pipe(
  Args.withDescription(
    `Draft id: ${minDraftIdLength} to ${maxIdLength} characters from ${idCharacters}, random (a UUID) and free of personal data.`
  )
)

export const ifMatchOption = Options.text("if-match").pipe(
  Options.withDescription(
    `ETag of the version this command replaces, as printed by get, put or list, e.g. "1777886401377-1777885964120-dV3mK9pQx2Lw8Rt4Z". The quotes are optional.`
  )
)

export const fileOption = Options.text("file").pipe(
  Options.withAlias("f"),
  Options.withDescription("Read the JSON document from this file; `-` or no --file reads standard input."),
  Options.optional
)

export const jsonOption = Options.boolean("json").pipe(Options.withDescription("Print JSON instead of a table."))

const ownerRule = `1 to ${maxIdLength} characters from ${idCharacters}`
const draftIdRule = `${minDraftIdLength} to ${maxIdLength} characters from ${idCharacters}`

export const parseOwner = (text: string): Effect.Effect<OwnerId, InvalidId> =>
  Effect.mapError(Schema.decodeUnknown(OwnerId)(text), () => new InvalidId({ field: "--owner", rule: ownerRule }))

export const parseDraftId = (text: string): Effect.Effect<DraftId, InvalidId> =>
  Effect.mapError(Schema.decodeUnknown(DraftId)(text), () => new InvalidId({ field: "draftId", rule: draftIdRule }))

/**
 * Accepts an ETag with or without its surrounding quotes, since shells strip quotes that are
 * not escaped, and returns it quoted. Weak ETags (`W/"..."`) never match a write precondition.
 */
export const parseEtag = (text: string): Effect.Effect<string, InvalidOption> => {
  const trimmed = text.trim()
  const quoted = trimmed.startsWith('"') || trimmed.startsWith("W/") ? trimmed : `"${trimmed}"`
  return trimmed !== "" && isStrongEtag(quoted)
    ? Effect.succeed(quoted)
    : Effect.fail(
      new InvalidOption({
        option: "--if-match",
        rule: 'it must be a strong ETag as printed by get, put or list, such as "1777886401377-1777885964120-dV3mK9pQx2Lw8Rt4Z", without W/'
      })
    )
}
