import * as FastCheck from "effect/FastCheck"

/**
 * The commands a property run applies, as plain data so fast-check can print and shrink a
 * failing sequence. Drafts are named by their index in the suite's draft table.
 */

/** How a write names the version it replaces; `stale` and `weak` refer to ETags seen earlier. */
export type WriteCondition = "create" | "current" | "stale" | "weak" | "unconditional"

export type DeleteCondition = "none" | "current" | "stale"

export type Command =
  | { readonly _tag: "Save"; readonly draft: number; readonly body: string; readonly condition: WriteCondition }
  | { readonly _tag: "Patch"; readonly draft: number; readonly patch: string; readonly condition: WriteCondition }
  | { readonly _tag: "Load"; readonly draft: number }
  | { readonly _tag: "List"; readonly owner: number }
  | { readonly _tag: "Flush"; readonly draft: number }
  | { readonly _tag: "PersistPending" }
  | { readonly _tag: "PersistAll" }
  | { readonly _tag: "LoseHotTier"; readonly restore: boolean }
  | { readonly _tag: "Delete"; readonly draft: number; readonly condition: DeleteCondition }
  | { readonly _tag: "DeleteAll"; readonly owner: number }
  | { readonly _tag: "Submit"; readonly draft: number; readonly condition: WriteCondition }
  | { readonly _tag: "Sweep" }
  | { readonly _tag: "Advance"; readonly millis: number }

export interface CommandLimits {
  readonly drafts: number
  readonly owners: number
  /** Bytes of the largest document the configuration accepts; some generated bodies exceed it. */
  readonly maxDocumentBytes: number
  /** Nesting the configuration accepts; some generated values exceed it. */
  readonly maxDepth: number
  /**
   * Clock moves past the grace period, idle retention or maximum age, in milliseconds; short
   * moves up to a few debounce periods are always generated.
   */
  readonly longClockMoves: ReadonlyArray<number>
}

const memberNames = ["name", "ssn", "note", "employers", "nested", "n"] as const

/** Wraps `{ "level": ... }` around a leaf until the value nests `depth` levels. */
const nestTo = (depth: number): unknown => {
  let value: unknown = "leaf"
  for (let level = 1; level < depth; level++) value = { level: value }
  return value
}

const memberValue = (limits: CommandLimits): FastCheck.Arbitrary<unknown> =>
  FastCheck.oneof(
    { weight: 6, arbitrary: FastCheck.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: FastCheck.string({ unit: "grapheme", maxLength: 24 }) },
    { weight: 1, arbitrary: FastCheck.integer({ min: 1, max: limits.maxDepth + 1 }).map(nestTo) },
    {
      weight: 1,
      arbitrary: FastCheck.integer({ min: limits.maxDocumentBytes / 4, max: limits.maxDocumentBytes }).map((length) =>
        "x".repeat(Math.floor(length))
      )
    }
  )

const documentValue = (limits: CommandLimits) =>
  FastCheck.dictionary(FastCheck.constantFrom(...memberNames), memberValue(limits), { maxKeys: 4 })

const indentation: FastCheck.Arbitrary<number | string> = FastCheck.constantFrom(0, 2, "\t")

/** JSON text as a client sends it: usually an object in some layout, sometimes not an object at all. */
const body = (limits: CommandLimits): FastCheck.Arbitrary<string> =>
  FastCheck.oneof(
    {
      weight: 12,
      arbitrary: FastCheck.tuple(documentValue(limits), indentation).map(([value, space]) => JSON.stringify(value, null, space))
    },
    { weight: 1, arbitrary: FastCheck.constantFrom("[1,2]", '"text"', "42", "null") }
  )

const mergePatchText = (limits: CommandLimits): FastCheck.Arbitrary<string> =>
  FastCheck.oneof(
    {
      weight: 12,
      arbitrary: FastCheck.dictionary(
        FastCheck.constantFrom(...memberNames),
        FastCheck.oneof({ weight: 1, arbitrary: FastCheck.constant(null) }, { weight: 3, arbitrary: memberValue(limits) }),
        { maxKeys: 3 }
      ).map((value) => JSON.stringify(value))
    },
    { weight: 1, arbitrary: FastCheck.constantFrom("[1]", '"replace"', "7", "null") }
  )

/** Mostly conditions that can succeed, so drafts live long enough to reach the durable tier. */
const writeConditions: ReadonlyArray<WriteCondition> = [
  "create",
  "create",
  "current",
  "current",
  "current",
  "stale",
  "weak",
  "unconditional",
  "unconditional"
]
const writeCondition = FastCheck.constantFrom(...writeConditions)

const deleteConditions: ReadonlyArray<DeleteCondition> = ["none", "current", "stale"]

/** Relative weights of the command kinds in a sequence; a kind left out is never generated. */
export type CommandMix = Partial<Record<Command["_tag"], number>>

/** Every command, weighted toward saves and reads. */
export const lifecycleMix: CommandMix = {
  Save: 8,
  Patch: 5,
  Load: 5,
  List: 1,
  Flush: 2,
  PersistPending: 3,
  PersistAll: 1,
  LoseHotTier: 3,
  Delete: 2,
  DeleteAll: 1,
  Submit: 2,
  Sweep: 1,
  Advance: 6
}

/** Saves, reads, write-behind rounds and short clock moves: the traffic that exercises persist timing. */
export const writeBehindMix: CommandMix = {
  Save: 6,
  Patch: 3,
  Load: 3,
  Flush: 1,
  PersistPending: 4,
  LoseHotTier: 2,
  Advance: 8
}

/** Draws one command from `mix`. */
export const command = (limits: CommandLimits, mix: CommandMix): FastCheck.Arbitrary<Command> => {
  const draft = FastCheck.integer({ min: 0, max: limits.drafts - 1 })
  const owner = FastCheck.integer({ min: 0, max: limits.owners - 1 })
  const clockMoves: Array<FastCheck.WeightedArbitrary<number>> = [
    { weight: 4, arbitrary: FastCheck.integer({ min: 0, max: 6_000 }) },
    { weight: 2, arbitrary: FastCheck.constantFrom(5_000, 30_000) }
  ]
  if (limits.longClockMoves.length > 0) clockMoves.push({ weight: 1, arbitrary: FastCheck.constantFrom(...limits.longClockMoves) })

  const arbitraries: Record<Command["_tag"], FastCheck.Arbitrary<Command>> = {
    Save: FastCheck.record({ _tag: FastCheck.constant("Save" as const), draft, body: body(limits), condition: writeCondition }),
    Patch: FastCheck.record({
      _tag: FastCheck.constant("Patch" as const),
      draft,
      patch: mergePatchText(limits),
      condition: writeCondition
    }),
    Load: FastCheck.record({ _tag: FastCheck.constant("Load" as const), draft }),
    List: FastCheck.record({ _tag: FastCheck.constant("List" as const), owner }),
    Flush: FastCheck.record({ _tag: FastCheck.constant("Flush" as const), draft }),
    PersistPending: FastCheck.constant({ _tag: "PersistPending" as const }),
    PersistAll: FastCheck.constant({ _tag: "PersistAll" as const }),
    LoseHotTier: FastCheck.record({ _tag: FastCheck.constant("LoseHotTier" as const), restore: FastCheck.boolean() }),
    Delete: FastCheck.record({
      _tag: FastCheck.constant("Delete" as const),
      draft,
      condition: FastCheck.constantFrom(...deleteConditions)
    }),
    DeleteAll: FastCheck.record({ _tag: FastCheck.constant("DeleteAll" as const), owner }),
    Submit: FastCheck.record({ _tag: FastCheck.constant("Submit" as const), draft, condition: writeCondition }),
    Sweep: FastCheck.constant({ _tag: "Sweep" as const }),
    Advance: FastCheck.oneof(...clockMoves).map((millis) => ({ _tag: "Advance" as const, millis }))
  }

  const weighted = Object.entries(mix).map(([tag, weight]) => ({
    weight,
    arbitrary: arbitraries[tag as Command["_tag"]]
  }))
  return FastCheck.oneof(...weighted)
}

/** Sequences of 1 to `maxLength` commands, spread over the whole length range. */
export const commands = (
  limits: CommandLimits,
  mix: CommandMix,
  maxLength: number
): FastCheck.Arbitrary<ReadonlyArray<Command>> =>
  FastCheck.array(command(limits, mix), { minLength: 1, maxLength, size: "max" })
