import { randomBytes } from "node:crypto"
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3"
import { Effect, type Scope } from "effect"
import { Create } from "../../programs/model.ts"
import type { BenchEnvironment } from "./environment.ts"
import { benchOwner, documentsOfSize, randomDraftId, runProgram, storedRecordBytes } from "./fixtures.ts"
import { compare, runBatch } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { comparisonRow, type Entry, progress, type Row, target, type TargetResult } from "./report.ts"
import type { Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

const documentBytes = 4096
const concurrencies = [1, 16] as const

/**
 * Drafts.load of drafts whose hot tier was flushed (FLUSHALL before every batch): LIST with
 * MaxKeys 1, GetObject, decrypt and a write that warms the hot tier again. The baseline is
 * one raw GetObject of an object of the same size per draft, read to its end.
 */
export const restoreVsRawS3Get = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const stack = yield* buildStack(environment)
    const document = documentsOfSize(documentBytes)[0]!
    const count = settings.restoreDrafts

    const refs = Array.from({ length: count }, (_, index) => ({ owner: benchOwner(index), draftId: randomDraftId() }))
    yield* Effect.promise(() =>
      runBatch((_, index) => stack.run(stack.drafts.save({ ...refs[index]!, document, precondition: Create })), 16, { iterations: count })
    )
    const recordBytes = yield* Effect.promise(() => storedRecordBytes(stack, refs[0]!))
    yield* Effect.promise(() => stack.run(stack.drafts.persistAll))

    const rawKeys = refs.map((_, index) => `bench-raw/restore/${index}`)
    const put = (index: number) =>
      stack.s3Client.send(new PutObjectCommand({ Bucket: environment.s3.bucket, Key: rawKeys[index]!, Body: randomBytes(recordBytes) }))
    yield* Effect.promise(() => runBatch((_, index) => put(index), 16, { iterations: count }))
    progress(`${count} drafts persisted and ${count} raw objects stored`)

    const getRaw = async (index: number) => {
      const output = await stack.s3Client.send(new GetObjectCommand({ Bucket: environment.s3.bucket, Key: rawKeys[index]! }))
      await output.Body?.transformToByteArray()
    }
    const flushHotTier = () => environment.redis.flushAll()

    const rows: Array<Row> = []
    const targets: Array<TargetResult> = []
    for (const concurrency of concurrencies) {
      const plan = {
        concurrency,
        warmup: { iterations: count },
        batch: { iterations: count },
        rounds: settings.rounds,
        collectGarbage: settings.collectGarbage
      }
      const comparison = yield* Effect.promise((signal) =>
        compare(
          {
            label: "Drafts.load after FLUSHALL",
            operation: (_, index) => runProgram(stack, stack.drafts.load(refs[index]!)),
            beforeBatch: flushHotTier
          },
          { label: "S3 GetObject", operation: (_, index) => getRaw(index) },
          plan,
          signal
        )
      )
      progress(`concurrency ${concurrency}: measured`)
      const row = comparisonRow(documentBytes, concurrency, comparison)
      rows.push({ ...row, values: { recordBytes } })
      targets.push(target(`throughput ratio at concurrency ${concurrency}`, row.ratios!.throughput!, ">=", 0.6))
    }

    yield* Effect.promise(flushHotTier)
    stack.s3Calls.reset()
    const loaded = yield* Effect.promise(() =>
      runBatch((_, index) => stack.run(stack.drafts.load(refs[index]!)), 16, { iterations: count })
    )
    const calls = stack.s3Calls.snapshot()
    rows.push({
      payloadBytes: documentBytes,
      concurrency: 16,
      values: {
        restores: loaded.operations,
        listPerRestore: (calls.ListObjectsV2Command ?? 0) / loaded.operations,
        getPerRestore: (calls.GetObjectCommand ?? 0) / loaded.operations,
        otherS3Requests: Object.entries(calls)
          .filter(([name]) => name !== "ListObjectsV2Command" && name !== "GetObjectCommand")
          .reduce((total, [, value]) => total + value, 0)
      }
    })

    return {
      key: "restore_vs_raw_s3_get",
      title: "Drafts.load after the hot tier was flushed vs one raw GetObject per draft",
      rows,
      targets,
      notes: [
        "A restore needs LIST (MaxKeys 1) then GET, because only the lost hot tier knew the newest version's name; the raw side knows its key.",
        "The data key is still cached in this process, so restores call no KMS; a restarted instance adds one Decrypt per data key.",
        "Each batch reads every draft once; the hot tier is flushed before each of our batches, outside the timed part."
      ].concat(warningNotes(stack.logs))
    } satisfies Entry
  })
