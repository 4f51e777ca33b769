import { Effect, Either, Option, type Scope } from "effect"
import { Create, Replace } from "../../programs/model.ts"
import type { BenchEnvironment } from "./environment.ts"
import {
  benchOwner,
  createDrafts,
  documentsOfSize,
  randomDraftId,
  replaceDraft,
  runProgram,
  type WorkerDrafts
} from "./fixtures.ts"
import { collectGarbage, runBatch, Unavailable } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { type Entry, progress, type Row, target } from "./report.ts"
import type { Settings } from "./settings.ts"
import { type BenchStack, buildStack } from "./stack.ts"

const concurrency = 64
/** Saves of the memory run stop here even when fewer were made, so a slow machine still finishes. */
const maxRunMillis = 10 * 60 * 1000

interface MemorySnapshot {
  readonly rssMiB: number
  readonly heapUsedMiB: number
  readonly externalMiB: number
}

const mebibytes = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1))

/** Collects garbage three times with pauses, so finalizers and freed native buffers are gone before measuring. */
const settledMemory = async (): Promise<MemorySnapshot> => {
  for (let pass = 0; pass < 3; pass++) {
    collectGarbage()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const usage = process.memoryUsage()
  return { rssMiB: mebibytes(usage.rss), heapUsedMiB: mebibytes(usage.heapUsed), externalMiB: mebibytes(usage.external) }
}

/** Returns the next draft of a worker: worker, worker + 64, ... in turn, so no two workers share a draft. */
const draftCycle = (draftCount: number) => {
  const turns = new Array<number>(concurrency).fill(0)
  return (worker: number): number => {
    const turn = turns[worker]!
    turns[worker] = turn + 1
    return worker + concurrency * (turn % Math.ceil((draftCount - worker) / concurrency))
  }
}

const cyclingSave = (stack: BenchStack, drafts: WorkerDrafts, documents: ReadonlyArray<string>) => {
  const next = draftCycle(drafts.refs.length)
  return (worker: number, index: number) => replaceDraft(stack, drafts, next(worker), documents[index % documents.length]!)
}

/** Saves with S3 stopped the whole time, sampling the pending count against `pendingLimit`. */
const outageRun = (environment: BenchEnvironment, settings: Settings) =>
  Effect.gen(function* () {
    const limit = settings.outagePendingLimit
    yield* Effect.promise(() => environment.redis.flushAll())
    const stack = yield* buildStack(environment, { config: { pendingLimit: limit } })
    const documents = documentsOfSize(4096)
    // New drafts are pending too, so they are created in chunks far below the bound of the
    // fullest shard and persisted after each chunk.
    const chunk = Math.max(1, Math.floor(limit / 8))
    const chunks: Array<WorkerDrafts> = []
    for (let created = 0; created < 2 * limit; created += chunk) {
      chunks.push(yield* Effect.promise(() => createDrafts(stack, chunk, documents[0]!, created)))
      yield* Effect.promise(() => stack.run(stack.drafts.persistAll))
    }
    const drafts: WorkerDrafts = { refs: chunks.flatMap((chunk) => chunk.refs), etags: chunks.flatMap((chunk) => chunk.etags) }
    const before = yield* Effect.promise(settledMemory)

    yield* Effect.acquireRelease(environment.s3.stop, () => environment.s3.start)
    const createOutcome = yield* Effect.promise(() =>
      stack.run(
        stack.drafts
          .save({ owner: benchOwner(0), draftId: randomDraftId(), document: "{}", precondition: Create })
          .pipe(Effect.match({ onFailure: (error) => `failed: ${error._tag}`, onSuccess: () => "succeeded" }))
      )
    )

    let maxPending = 0
    const sample = () =>
      stack.run(stack.drafts.pendingCount).then((count) => {
        maxPending = Math.max(maxPending, count)
      })
    const sampler = setInterval(() => void sample().catch(() => undefined), 100)

    const next = draftCycle(drafts.refs.length)
    let accepted = 0
    let rejected = 0
    const save = async (worker: number, index: number) => {
      const draft = next(worker)
      if (drafts.etags[draft] === undefined) {
        drafts.etags[draft] = (await runProgram(stack, stack.drafts.load(drafts.refs[draft]!))).etag
      }
      const request = {
        ...drafts.refs[draft]!,
        document: documents[index % documents.length]!,
        precondition: Replace(drafts.etags[draft]!)
      }
      const outcome = await stack.run(Effect.either(stack.drafts.save(request)))
      if (Either.isRight(outcome)) {
        drafts.etags[draft] = outcome.right.etag
        accepted++
        return
      }
      // The pending bound rejects saves here by design. Another unavailable tier is counted by
      // the load generator, and any other failure ends the run.
      const error = outcome.left
      if (error._tag === "StoreUnavailable" && error.method.includes("pending limit")) {
        rejected++
        return
      }
      drafts.etags[draft] = undefined
      if (error._tag === "StoreUnavailable" || error._tag === "KeyUnavailable") throw new Unavailable(error._tag)
      throw new Error(`save failed: ${error._tag}`)
    }
    yield* Effect.promise((signal) =>
      runBatch(save, concurrency, { durationMillis: settings.outageMillis }, signal).finally(() => clearInterval(sampler))
    )
    yield* Effect.promise(sample)
    const after = yield* Effect.promise(settledMemory)
    progress(`outage run: ${accepted} saves accepted, ${rejected} rejected, pending at most ${maxPending}`)

    return {
      row: {
        payloadBytes: 4096,
        concurrency,
        values: {
          phase: "S3 stopped for the whole run",
          pendingLimit: limit,
          drafts: drafts.refs.length,
          maxPending,
          savesAccepted: accepted,
          savesRejectedPendingFull: rejected,
          createWhileS3Down: createOutcome,
          rssBeforeMiB: before.rssMiB,
          rssAfterMiB: after.rssMiB
        }
      } satisfies Row,
      maxPending,
      limit,
      logs: warningNotes(stack.logs)
    }
  })

/**
 * Measures the resident set size after a warm-up and again after many saves over a bounded
 * set of drafts, each time after forced garbage collection. Then measures the pending set
 * while S3 is down.
 */
export const memoryGrowth = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const growth = yield* Effect.scoped(
      Effect.gen(function* () {
        const stack = yield* buildStack(environment)
        const documents = documentsOfSize(4096)
        const drafts = yield* Effect.promise(() => createDrafts(stack, settings.memoryDrafts, documents[0]!))
        const save = cyclingSave(stack, drafts, documents)

        yield* Effect.promise(() => runBatch(save, concurrency, { iterations: settings.memoryWarmupSaves }))
        const before = yield* Effect.promise(settledMemory)
        progress(`memory after ${settings.memoryWarmupSaves} warm-up saves: ${JSON.stringify(before)}`)

        let peakRss = 0
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss)
        }, 1000)
        const started = performance.now()
        let saves = 0
        while (saves < settings.memorySaves && performance.now() - started < maxRunMillis) {
          const batch = yield* Effect.promise((signal) =>
            runBatch(save, concurrency, { iterations: Math.min(50_000, settings.memorySaves - saves) }, signal)
          )
          saves += batch.operations
          progress(`${saves} saves`)
        }
        clearInterval(sampler)
        const seconds = (performance.now() - started) / 1000
        const after = yield* Effect.promise(settledMemory)
        const pendingAtEnd = yield* Effect.promise(() => stack.run(Effect.option(stack.drafts.pendingCount)))

        return {
          row: {
            payloadBytes: 4096,
            concurrency,
            values: {
              phase: "saves over a bounded set of drafts",
              drafts: settings.memoryDrafts,
              warmupSaves: settings.memoryWarmupSaves,
              saves,
              savesPerSecond: saves / seconds,
              rssBeforeMiB: before.rssMiB,
              rssAfterMiB: after.rssMiB,
              rssPeakMiB: mebibytes(peakRss),
              heapUsedBeforeMiB: before.heapUsedMiB,
              heapUsedAfterMiB: after.heapUsedMiB,
              externalBeforeMiB: before.externalMiB,
              externalAfterMiB: after.externalMiB,
              pendingAtEnd: Option.getOrElse(pendingAtEnd, () => -1)
            }
          } satisfies Row,
          growthPercent: (after.rssMiB / before.rssMiB - 1) * 100,
          complete: saves >= settings.memorySaves,
          logs: warningNotes(stack.logs)
        }
      })
    )
    const outage = yield* Effect.scoped(outageRun(environment, settings))

    return {
      key: "memory_growth",
      title: "Resident memory before and after many saves, and the pending set while S3 is down",
      rows: [growth.row, outage.row],
      targets: [
        target("RSS growth in percent after the saves", growth.growthPercent, "<", 10),
        target("largest pending count while S3 is down, against pendingLimit", outage.maxPending, "<=", outage.limit)
      ],
      notes: [
        ...(growth.complete ? [] : [`The run stopped at its ${maxRunMillis / 60_000}-minute cap before ${settings.memorySaves} saves.`]),
        `The outage run lowers pendingLimit to ${outage.limit} (default 100,000) so the bound is reached within seconds; each of the 16 pending shards holds floor(limit / 16).`,
        "A new draft created while S3 is down is stored unverified and not durable, and checked against S3 before it is persisted (docs/durability.md); saves of existing drafts continue until their shard's pending set is full."
      ].concat(growth.logs, outage.logs)
    } satisfies Entry
  })
