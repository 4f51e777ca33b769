import { randomBytes } from "node:crypto"
import { Effect, type Scope } from "effect"
import type { BenchEnvironment } from "./environment.ts"
import {
  createDrafts,
  documentsOfSize,
  draftTtlMillis,
  rawCommand,
  rawRedisClient,
  replaceDraft,
  storedRecordBytes
} from "./fixtures.ts"
import { compare } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { comparisonRow, type Entry, progress, type Row, target, type TargetResult } from "./report.ts"
import { planFor, type Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

/**
 * Drafts.save (If-Match of the previous ETag, Redis adapter, write-behind loop running)
 * against a raw `SET key value PX ttl` of a buffer as long as the stored record, per size
 * and concurrency. Each worker saves its own draft, so no save conflicts with another.
 */
export const saveVsRawSet = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const stack = yield* buildStack(environment)
    const raw = yield* rawRedisClient(environment)
    const ttl = draftTtlMillis(stack)
    const workers = Math.max(...settings.concurrencies)
    const drafts = yield* Effect.promise(() => createDrafts(stack, workers, documentsOfSize(settings.sizes[0]!)[0]!))
    const rawKeys = Array.from({ length: workers }, (_, worker) => `bench:raw:set:${worker}`)
    const rows: Array<Row> = []
    const targets: Array<TargetResult> = []

    for (const size of settings.sizes) {
      const documents = documentsOfSize(size)
      yield* Effect.promise(() => replaceDraft(stack, drafts, 0, documents[0]!))
      const recordBytes = yield* Effect.promise(() => storedRecordBytes(stack, drafts.refs[0]!))
      const value = randomBytes(recordBytes)

      for (const concurrency of settings.concurrencies) {
        const comparison = yield* Effect.promise((signal) =>
          compare(
            {
              label: "Drafts.save, If-Match",
              operation: (worker, index) => replaceDraft(stack, drafts, worker, documents[index % documents.length]!)
            },
            { label: "ioredis SET PX", operation: (worker) => rawCommand(raw.set(rawKeys[worker]!, value, "PX", ttl)) },
            planFor(settings, concurrency),
            signal
          )
        )
        progress(`${size} B, concurrency ${concurrency}: measured`)
        const row = comparisonRow(size, concurrency, comparison)
        rows.push({ ...row, values: { recordBytes } })

        if (size === 4096 && concurrency === 64) {
          targets.push(target("throughput ratio at 4 KiB, concurrency 64", row.ratios!.throughput!, ">=", 0.5))
          targets.push(target("p99 latency ratio at 4 KiB, concurrency 64", row.ratios!.p99!, "<=", 2))
        }
      }
    }

    return {
      key: "save_vs_raw_set",
      title: "Drafts.save through the Redis adapter vs a raw SET of the same number of bytes",
      rows,
      targets,
      notes: [
        "The raw client uses the hot store's ioredis options (auto-pipelining included) and stores a random buffer as long as the encoded record.",
        "A save with a current If-Match ETag validates the JSON, seals it (AES-256-GCM) and runs two scripts in one round trip without reading the record first; the SET is one command."
      ].concat(warningNotes(stack.logs))
    } satisfies Entry
  })
