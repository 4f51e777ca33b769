import { Duration, Effect, type Scope } from "effect"
import { versionPath } from "../../programs/durablePaths.ts"
import { encodePayload } from "../../programs/payload.ts"
import type { BenchEnvironment } from "./environment.ts"
import { createDrafts, documentsOfSize, randomDraftId, replaceDraft, runProgram } from "./fixtures.ts"
import { compare } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { comparisonRow, type Entry, progress, type Row, target, type TargetResult } from "./report.ts"
import { planFor, type Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

const documentBytes = 4096
const concurrencies = [1, 16] as const

/**
 * Our save (hot tier first, S3 later by the write-behind loop) against the design it replaced,
 * which sealed each save with the same envelope and wrote it to S3 before responding. The
 * write-through side skips document validation and the read of the current version, so it
 * is the cheaper of the two in everything but the S3 write.
 */
export const writeBehindVsWriteThrough = (
  environment: BenchEnvironment,
  settings: Settings
): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const stack = yield* buildStack(environment)
    const documents = documentsOfSize(documentBytes)
    const workers = Math.max(...concurrencies)
    const drafts = yield* Effect.promise(() => createDrafts(stack, workers, documents[0]!))
    // Write-through objects go under drafts of their own, so pruning after a persist never touches them.
    const throughRefs = drafts.refs.map((ref) => ({ owner: ref.owner, draftId: randomDraftId() }))
    const sequences = throughRefs.map(() => 0)
    const idleMillis = Duration.toMillis(stack.config.idleRetention)

    const writeThrough = async (worker: number, index: number) => {
      const ref = throughRefs[worker]!
      const key = stack.storageKeys.draftKey(ref.owner, ref.draftId)
      const seq = ++sequences[worker]!
      const time = Date.now()
      const fields = { kind: "draft" as const, seq, createdAt: time, savedAt: time, expiresAt: time + idleMillis }
      const plaintext = encodePayload(ref.draftId, documents[index % documents.length]!)
      const sealed = await runProgram(stack, stack.envelope.seal(key, fields, plaintext))
      plaintext.fill(0)
      await runProgram(stack, stack.durable.put(versionPath(key, seq, "draft"), sealed.bytes))
    }

    const rows: Array<Row> = []
    const targets: Array<TargetResult> = []
    for (const concurrency of concurrencies) {
      const comparison = yield* Effect.promise((signal) =>
        compare(
          {
            label: "Drafts.save (write-behind)",
            operation: (worker, index) => replaceDraft(stack, drafts, worker, documents[index % documents.length]!)
          },
          { label: "seal + S3 PutObject (write-through)", operation: writeThrough },
          planFor(settings, concurrency),
          signal
        )
      )
      progress(`concurrency ${concurrency}: measured`)
      const row = comparisonRow(documentBytes, concurrency, comparison)
      rows.push(row)
      targets.push(target(`p50 latency ratio at concurrency ${concurrency}`, row.ratios!.p50!, "<=", 0.15))
    }

    return {
      key: "writebehind_vs_writethrough",
      title: "Drafts.save (write-behind) vs sealing and writing each save to S3 before responding",
      rows,
      targets,
      notes: [
        "Both sides derive storage keys per request and seal with the same envelope code and key provider.",
        "The write-through side writes to s3rver on loopback, which answers far sooner than Amazon S3 (tens of milliseconds per PutObject), so this ratio understates the difference."
      ].concat(warningNotes(stack.logs))
    } satisfies Entry
  })
