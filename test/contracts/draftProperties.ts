import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Either, TestClock } from "effect"
import type { DraftId, OwnerId } from "../../domain/ids.ts"
import type { DraftsConfigShape } from "../../programs/DraftsConfig.ts"
import { Create, type DraftVersion, type Precondition, Replace, Unconditional } from "../../programs/model.ts"
import { draftId, ownerId } from "../support/draftIds.ts"
import type { DraftStack, DraftsService, MakeStack } from "../support/draftStack.ts"
import { type Command, commands, lifecycleMix, type WriteCondition, writeBehindMix } from "./draftCommands.ts"
import { DraftModel, type ExpectedFailure, type ModelPrecondition, type ModelRead, type ModelVersion } from "./draftModel.ts"
import { Observations } from "./draftObservations.ts"

export interface PropertySuiteOptions {
  /** Command sequences per property (default 60). */
  readonly numRuns?: number
  /** Commands per sequence at most (default 40). */
  readonly maxCommands?: number
  /**
   * Whether the clock may move past a draft's expiry (default true). Set it to false for a
   * hot store whose TTLs run on its own clock rather than Effect's, such as Redis: there an
   * expired record stays until the server's clock reaches its TTL, which the model does not track.
   */
  readonly clockMovesPastExpiry?: boolean
}

const owners: ReadonlyArray<OwnerId> = [ownerId("claimant-7f3a9c"), ownerId("claimant-29c1e4")]

/** Two drafts of the first owner, and one of the second owner that reuses the first draft id. */
const draftTable: ReadonlyArray<{ readonly owner: number; readonly draftId: DraftId }> = [
  { owner: 0, draftId: draftId("Jx8vQ2mLp4Rt9wZk") },
  { owner: 0, draftId: draftId("Hc5nB7yTq1Vs3eUa") },
  { owner: 1, draftId: draftId("Jx8vQ2mLp4Rt9wZk") }
]

/** Small limits, so generated documents cross them often. */
const propertyConfig: Partial<DraftsConfigShape> = { maxDocumentBytes: 1024, maxDepth: 5 }

const day = Duration.toMillis(Duration.days(1))

/** An ETag the programs never issue: seq 1 with an all-zero revision. */
const neverIssuedEtag = `"1-AAAAAAAAAAAAAAAA"`

const refOf = (draft: number) => {
  const entry = draftTable[draft]!
  return { owner: owners[entry.owner]!, draftId: entry.draftId }
}

const tagOf = <A>(result: Either.Either<A, { readonly _tag: string }>): string =>
  Either.isLeft(result) ? result.left._tag : "success"

const expectFailure = <A>(result: Either.Either<A, { readonly _tag: string }>, expected: ExpectedFailure): void => {
  expect(tagOf(result)).toBe(expected.tag)
  if (Either.isLeft(result) && expected.fields !== undefined) {
    expect(result.left).toMatchObject(expected.fields)
  }
}

const success = <A>(result: Either.Either<A, { readonly _tag: string }>): A => {
  if (Either.isLeft(result)) expect.fail(`expected success, the programs failed with ${result.left._tag}`)
  return (result as Either.Right<{ readonly _tag: string }, A>).right
}

const stateOf = (kind: ModelVersion["kind"]) => (kind === "submitted" ? "submitted" : "draft")

/** The fields of a DraftVersion that the model predicts, ETag aside. */
const expectedFields = (draft: number, version: Omit<ModelVersion, "etag">, durable: boolean) => ({
  draftId: refOf(draft).draftId,
  seq: version.seq,
  state: stateOf(version.kind),
  createdAt: version.createdAt,
  savedAt: version.savedAt,
  expiresAt: version.expiresAt,
  durable
})

const actualFields = (version: DraftVersion) => ({
  draftId: version.draftId,
  seq: version.seq,
  state: version.state,
  createdAt: version.createdAt,
  savedAt: version.savedAt,
  expiresAt: version.expiresAt,
  durable: version.durable
})

interface Run {
  readonly stack: DraftStack
  readonly drafts: DraftsService
  readonly model: DraftModel
  readonly observations: Observations
}

/** Turns a generated condition into the programs' precondition, using ETags the run has seen. */
const resolveCondition = (run: Run, draft: number, condition: WriteCondition): [Precondition, ModelPrecondition] => {
  const current = run.model.live(draft)?.version.etag
  const replace = (etag: string): [Precondition, ModelPrecondition] => [Replace(etag), { _tag: "Replace", etag }]

  switch (condition) {
    case "create":
      return [Create, { _tag: "Create" }]
    case "current":
      return replace(current ?? neverIssuedEtag)
    case "stale":
      return replace(run.observations.staleEtag(draft, current) ?? neverIssuedEtag)
    case "weak":
      return replace(`W/${current ?? neverIssuedEtag}`)
    case "unconditional":
      return [Unconditional, { _tag: "Unconditional" }]
  }
}

const checkRead = (run: Run, draft: number, read: ModelRead, actual: DraftVersion): void => {
  expect(actualFields(actual)).toEqual(expectedFields(draft, read.version, read.durable))
  expect(actual.etag).toBe(read.version.etag)
  run.observations.sawEtag(draft, actual.etag, read.version)
  if (actual.durable) run.observations.reportedDurable(draft, actual.etag)
}

const load = (run: Run, draft: number) =>
  Effect.gen(function* () {
    const result = yield* Effect.either(run.drafts.load(refOf(draft)))
    run.observations.checkLoad(draft, result, run.model.now)

    const expected = run.model.load(draft)
    if (!expected.ok) return expectFailure(result, expected)

    const loaded = success(result)
    expect(loaded.tier).toBe(expected.value.tier)
    expect(loaded.document).toBe(expected.value.version.document)
    checkRead(run, draft, expected.value, loaded)
  })

/** Runs a save or patch and checks it against the model's plan. */
const write = (
  run: Run,
  draft: number,
  condition: WriteCondition,
  plan: (precondition: ModelPrecondition) => ReturnType<DraftModel["save"]>,
  call: (precondition: Precondition) => Effect.Effect<DraftVersion, { readonly _tag: string }>
) =>
  Effect.gen(function* () {
    const [precondition, modelPrecondition] = resolveCondition(run, draft, condition)
    const expected = plan(modelPrecondition)
    const result = yield* Effect.either(call(precondition))
    if (!expected.ok) return expectFailure(result, expected)

    const version = success(result)
    expect(actualFields(version)).toEqual(expectedFields(draft, expected.value.version, false))
    expect(version.etag).toMatch(new RegExp(`^"${version.seq}-${version.createdAt}-d[A-Za-z0-9_-]{16}"$`))

    const written = expected.value.commit(version.etag)
    run.observations.newEtag(draft, version.etag, written)
    run.observations.acknowledgeWrite(draft, written, version.durable)
  })

const submit = (run: Run, draft: number, condition: WriteCondition) =>
  Effect.gen(function* () {
    const [precondition, modelPrecondition] = resolveCondition(run, draft, condition)
    const expected = run.model.submit(draft, modelPrecondition)
    const result = yield* Effect.either(run.drafts.submit({ ...refOf(draft), precondition }))
    if (!expected.ok) return expectFailure(result, expected)

    const submitted = success(result)
    const planned = expected.value
    if (!("commit" in planned)) {
      expect(submitted.document).toBe(planned.version.document)
      return checkRead(run, draft, planned, submitted.version)
    }

    expect(actualFields(submitted.version)).toEqual(expectedFields(draft, planned.version, true))
    expect(submitted.document).toBe(planned.version.document)
    const written = planned.commit(submitted.version.etag)
    run.observations.newEtag(draft, submitted.version.etag, written)
    run.observations.acknowledgeWrite(draft, written, submitted.version.durable)
  })

const remove = (run: Run, draft: number, condition: "none" | "current" | "stale") =>
  Effect.gen(function* () {
    const current = run.model.live(draft)?.version.etag
    const etag =
      condition === "none"
        ? undefined
        : condition === "current"
          ? (current ?? neverIssuedEtag)
          : (run.observations.staleEtag(draft, current) ?? neverIssuedEtag)

    const expected = run.model.delete(draft, etag)
    const result = yield* Effect.either(run.drafts.delete(etag === undefined ? refOf(draft) : { ...refOf(draft), etag }))
    if (!expected.ok) return expectFailure(result, expected)

    expect(success(result)).toEqual({ durable: true })
    run.observations.acknowledgeDeletion(draft, true)
  })

const draftsOf = (owner: number): Array<number> =>
  draftTable.flatMap((entry, index) => (entry.owner === owner ? [index] : []))

const removeAll = (run: Run, owner: number) =>
  Effect.gen(function* () {
    const live = draftsOf(owner).filter((draft) => run.model.live(draft) !== undefined)
    for (const draft of live) run.model.delete(draft, undefined)

    const result = yield* run.drafts.deleteAll(owners[owner]!)
    expect(result).toEqual({ deleted: live.length, durable: true })
    for (const draft of live) run.observations.acknowledgeDeletion(draft, true)
  })

const list = (run: Run, owner: number) =>
  Effect.gen(function* () {
    const listed = yield* run.drafts.list(owners[owner]!)

    const savedTimes = listed.map((version) => version.savedAt)
    expect(savedTimes, "newest save first").toEqual([...savedTimes].sort((a, b) => b - a))

    const expected = draftsOf(owner).flatMap((draft) => {
      const read = run.model.live(draft)
      return read === undefined ? [] : [{ ...expectedFields(draft, read.version, read.durable), etag: read.version.etag }]
    })
    const byDraftId = (a: { readonly draftId: string }, b: { readonly draftId: string }) => a.draftId.localeCompare(b.draftId)
    const actual = listed.map((version) => ({ ...actualFields(version), etag: version.etag }))
    expect(actual.sort(byDraftId)).toEqual(expected.sort(byDraftId))
  })

const flush = (run: Run, draft: number) =>
  Effect.gen(function* () {
    const expected = run.model.flush(draft)
    const result = yield* Effect.either(run.drafts.flush(refOf(draft)))
    if (!expected.ok) return expectFailure(result, expected)
    checkRead(run, draft, expected.value, success(result))
  })

const step = (run: Run, command: Command): Effect.Effect<void> => {
  switch (command._tag) {
    case "Save":
      return write(
        run,
        command.draft,
        command.condition,
        (precondition) => run.model.save(command.draft, command.body, precondition),
        (precondition) => run.drafts.save({ ...refOf(command.draft), document: command.body, precondition })
      )
    case "Patch":
      return write(
        run,
        command.draft,
        command.condition,
        (precondition) => run.model.patch(command.draft, command.patch, precondition),
        (precondition) => run.drafts.patch({ ...refOf(command.draft), patch: command.patch, precondition })
      )
    case "Load":
      return load(run, command.draft)
    case "List":
      return list(run, command.owner).pipe(Effect.orDie)
    case "Flush":
      return flush(run, command.draft)
    case "PersistPending":
      return Effect.gen(function* () {
        const count = run.model.persistPending()
        expect(yield* run.drafts.persistPending).toEqual({ claimed: count, persisted: count, failed: 0 })
      }).pipe(Effect.orDie)
    case "PersistAll":
      return Effect.gen(function* () {
        const count = run.model.persistAll()
        expect(yield* run.drafts.persistAll).toEqual({ claimed: count, persisted: count, failed: 0 })
      }).pipe(Effect.orDie)
    case "LoseHotTier":
      return Effect.gen(function* () {
        yield* run.stack.loseHotTier
        run.model.loseHotTier()
        run.observations.loseHotTier()
        if (command.restore) {
          for (const draft of draftTable.keys()) yield* load(run, draft)
        }
      })
    case "Delete":
      return remove(run, command.draft, command.condition)
    case "DeleteAll":
      return removeAll(run, command.owner).pipe(Effect.orDie)
    case "Submit":
      return submit(run, command.draft, command.condition)
    case "Sweep":
      return Effect.gen(function* () {
        const expected = run.model.sweep()
        expect(yield* run.drafts.sweepExpired).toEqual(expected)
      }).pipe(Effect.orDie)
    case "Advance":
      return Effect.gen(function* () {
        yield* TestClock.adjust(Duration.millis(command.millis))
        run.model.advance(command.millis)
      })
  }
}

/** Applies the commands one by one and checks every result and the pending count after each. */
const runCommands = <Extra>(makeStack: MakeStack<Extra>, sequence: ReadonlyArray<Command>) =>
  Effect.gen(function* () {
    const stack: DraftStack = yield* makeStack({ config: propertyConfig })
    const run: Run = {
      stack,
      drafts: stack.drafts,
      model: new DraftModel(stack.config, yield* Clock.currentTimeMillis),
      observations: new Observations()
    }

    for (const [index, command] of sequence.entries()) {
      yield* step(run, command).pipe(
        Effect.zipRight(Effect.flatMap(run.drafts.pendingCount, (count) => Effect.sync(() => expect(count).toBe(run.model.pendingCount())))),
        Effect.orDie,
        Effect.catchAllDefect((defect) =>
          Effect.die(new Error(`command ${index} (${command._tag}) failed: ${defect instanceof Error ? defect.message : String(defect)}`))
        )
      )
    }
  }).pipe(Effect.scoped)

/**
 * Property tests of the draft programs over the stores `makeStack` builds: any sequence of
 * commands gives the reference model's results, nothing reported durable is lost, and no
 * ETag ever names two contents.
 */
export const draftPropertySuite = <Extra>(name: string, makeStack: MakeStack<Extra>, options: PropertySuiteOptions = {}) => {
  const longMoves = options.clockMovesPastExpiry ?? true
  const limits = {
    drafts: draftTable.length,
    owners: owners.length,
    maxDocumentBytes: propertyConfig.maxDocumentBytes!,
    maxDepth: propertyConfig.maxDepth!,
    longClockMoves: longMoves ? [3_600_001, 6 * day, 7 * day, 30 * day] : []
  }
  const maxCommands = options.maxCommands ?? 40
  const fastCheck = { numRuns: options.numRuns ?? 60 }

  describe(name, () => {
    it.effect.prop(
      "command sequences match the reference model",
      [commands(limits, lifecycleMix, maxCommands)],
      ([sequence]) => runCommands(makeStack, sequence),
      { fastCheck }
    )

    it.effect.prop(
      "write-behind timing matches the reference model",
      [commands(limits, writeBehindMix, maxCommands)],
      ([sequence]) => runCommands(makeStack, sequence),
      { fastCheck }
    )
  })
}
