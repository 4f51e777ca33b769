import { Duration, Effect, type Scope } from "effect"
import { defaultInterval } from "../../adapters/writeBehind.ts"
import { Create, Replace } from "../../programs/model.ts"
import type { BenchEnvironment } from "./environment.ts"
import { benchOwner, documentsOfSize, randomDraftId } from "./fixtures.ts"
import { warningNotes } from "./logCounter.ts"
import { type Entry, target } from "./report.ts"
import { makeManualClock } from "./manualClock.ts"
import type { Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

const saves = 100
const sessionMillis = 60_000
/** Simulated time allowed after the session for the last save to become durable. */
const drainMillis = 40_000

const greatestCommonDivisor = (a: number, b: number): number => (b === 0 ? a : greatestCommonDivisor(b, a % b))

/**
 * Saves one draft 100 times, evenly over 60 seconds of simulated time, and counts the S3
 * requests the instance sends. The write-behind bounds are the defaults: due 5 s after the
 * last save, at most 30 s after the first save not yet durable. Time is a manual clock, and
 * every 500 ms of it (the loop's interval) one round of the write-behind loop runs to
 * completion, the same `persistPending` that adapters/writeBehind.ts runs. So the count does
 * not depend on how fast the machine is.
 */
export const durableWritesPerSession = (
  environment: BenchEnvironment,
  _settings: Settings
): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const clock = makeManualClock()
    yield* Effect.withClockScoped(clock)
    const stack = yield* buildStack(environment, { writeBehind: false })
    const documents = documentsOfSize(4096)
    const ref = { owner: benchOwner(0), draftId: randomDraftId() }
    const roundMillis = Duration.toMillis(defaultInterval)
    const saveEvery = sessionMillis / saves

    // A first save elsewhere generates the data key, so the session measures a running instance.
    yield* Effect.promise(() =>
      stack.run(stack.drafts.save({ owner: benchOwner(1), draftId: randomDraftId(), document: "{}", precondition: Create }))
    )
    yield* Effect.promise(() => stack.run(stack.drafts.persistAll))
    stack.s3Calls.reset()

    const start = clock.millis()
    const putTimes: Array<number> = []
    let etag = ""
    let saved = 0
    let pending = 0
    const step = greatestCommonDivisor(roundMillis, saveEvery)
    for (let elapsed = 0; elapsed <= sessionMillis + drainMillis; elapsed += step) {
      clock.advanceTo(start + elapsed)

      if (saved < saves && elapsed >= saved * saveEvery) {
        const precondition = saved === 0 ? Create : Replace(etag)
        const document = documents[saved % documents.length]!
        etag = (yield* Effect.promise(() => stack.run(stack.drafts.save({ ...ref, document, precondition })))).etag
        saved++
      }

      if (elapsed % roundMillis === 0 && elapsed > 0) {
        const putsBefore = stack.s3Calls.count("PutObjectCommand")
        yield* Effect.promise(() => stack.run(stack.drafts.persistPending))
        if (stack.s3Calls.count("PutObjectCommand") > putsBefore) putTimes.push(elapsed / 1000)

        pending = yield* Effect.promise(() => stack.run(stack.drafts.pendingCount))
        if (saved === saves && pending === 0) break
      }
    }

    const calls = stack.s3Calls.snapshot()
    const puts = calls.PutObjectCommand ?? 0
    return {
      key: "durable_writes_per_session",
      title: "S3 PutObject requests for one draft saved 100 times over 60 s of simulated time",
      rows: [
        {
          payloadBytes: 4096,
          concurrency: 1,
          values: {
            saves: saved,
            saveIntervalMillis: saveEvery,
            putObject: puts,
            putRoundsAtSeconds: putTimes.join(" "),
            listObjects: calls.ListObjectsV2Command ?? 0,
            deleteObject: calls.DeleteObjectCommand ?? 0,
            getObject: calls.GetObjectCommand ?? 0,
            pendingAtEnd: pending
          }
        }
      ],
      targets: [target("PutObject requests per 100-save session", puts, "<=", 3)],
      notes: [
        "Default bounds: a pending draft is due 5 s after its last save and at most 30 s after its first save not yet durable; a loop round runs every 500 ms.",
        "LIST requests come from the first save (creating a draft checks the durable tier for an older version) and from deleting superseded versions after each persist."
      ].concat(warningNotes(stack.logs))
    } satisfies Entry
  })
