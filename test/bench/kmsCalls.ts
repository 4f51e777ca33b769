import { Effect, type Scope } from "effect"
import type { BenchEnvironment } from "./environment.ts"
import { createDrafts, documentsOfSize, replaceDraft, runProgram } from "./fixtures.ts"
import { runBatch } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { type Entry, progress, type Row, target } from "./report.ts"
import type { Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

const drafts = 16
const perTenThousand = (calls: number, operations: number) => (calls * 10_000) / operations

/**
 * Counts KMS requests at the test KMS server, with the default data-key cache settings, in
 * three phases. First come saves by a freshly started instance, then hot reads by the same
 * instance after a warm-up. Last come hot reads by a second instance that starts with empty
 * caches, as after a deploy.
 */
export const kmsCalls = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const kms = environment.kms
    const operations = settings.kmsOperations
    const counts = () => ({ generateDataKey: kms.count("GenerateDataKey"), decrypt: kms.count("Decrypt") })
    const document = documentsOfSize(4096)[0]!

    kms.resetCounts()
    const stack = yield* buildStack(environment)
    const created = yield* Effect.promise(() => createDrafts(stack, drafts, document))
    yield* Effect.promise(() =>
      runBatch((worker) => replaceDraft(stack, created, worker, document), drafts, { iterations: operations - drafts })
    )
    const saves = counts()
    progress(`${operations} saves: ${JSON.stringify(saves)}`)

    yield* Effect.promise(() => runBatch((worker) => runProgram(stack, stack.drafts.load(created.refs[worker]!)), drafts, { iterations: drafts }))
    kms.resetCounts()
    yield* Effect.promise(() =>
      runBatch((worker) => runProgram(stack, stack.drafts.load(created.refs[worker]!)), drafts, { iterations: operations })
    )
    const warmReads = counts()

    kms.resetCounts()
    const second = yield* buildStack(environment, { writeBehind: false })
    yield* Effect.promise(() =>
      runBatch((worker) => runProgram(second, second.drafts.load(created.refs[worker]!)), drafts, { iterations: operations })
    )
    const coldReads = counts()

    const row = (phase: string, calls: { generateDataKey: number; decrypt: number }): Row => ({
      payloadBytes: 4096,
      concurrency: drafts,
      values: {
        phase,
        operations,
        generateDataKey: calls.generateDataKey,
        decrypt: calls.decrypt,
        callsPer10000: perTenThousand(calls.generateDataKey + calls.decrypt, operations)
      }
    })

    return {
      key: "kms_calls",
      title: "KMS requests per 10,000 saves and per 10,000 hot reads, counted at the KMS server",
      rows: [
        row("saves by a new instance", saves),
        row("hot reads after warm-up", warmReads),
        row("hot reads by a second new instance", coldReads)
      ],
      targets: [
        target("KMS calls per 10,000 saves", perTenThousand(saves.generateDataKey + saves.decrypt, operations), "<=", 10),
        target("KMS calls per 10,000 hot reads after warm-up", perTenThousand(warmReads.generateDataKey + warmReads.decrypt, operations), "<=", 0)
      ],
      notes: [
        "Defaults: a data key seals at most 2^20 records for at most 10 minutes; unwrapped keys stay cached for 10 minutes (1,000 keys).",
        "So a busy instance calls GenerateDataKey about once per 10 minutes, and each instance calls Decrypt once per data key it has not sealed itself.",
        `Counted over ${operations} operations${operations === 10_000 ? "" : " and scaled to 10,000"}.`
      ].concat(warningNotes(stack.logs))
    } satisfies Entry
  })
