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
  runProgram,
  storedRecordBytes
} from "./fixtures.ts"
import { compare } from "./loadGenerator.ts"
import { warningNotes } from "./logCounter.ts"
import { comparisonRow, type Entry, progress, type Row } from "./report.ts"
import { planFor, type Settings } from "./settings.ts"
import { buildStack } from "./stack.ts"

/**
 * Drafts.load of a draft in the hot tier (HMGET, decode, decrypt with a cached data key)
 * against a raw GET of a buffer as long as the stored record.
 */
export const loadVsRawGet = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const stack = yield* buildStack(environment)
    const raw = yield* rawRedisClient(environment)
    const workers = Math.max(...settings.concurrencies)
    const drafts = yield* Effect.promise(() => createDrafts(stack, workers, documentsOfSize(settings.sizes[0]!)[0]!))
    const rawKeys = Array.from({ length: workers }, (_, worker) => `bench:raw:get:${worker}`)
    const rows: Array<Row> = []

    for (const size of settings.sizes) {
      const document = documentsOfSize(size)[0]!
      for (let worker = 0; worker < workers; worker++) {
        yield* Effect.promise(() => replaceDraft(stack, drafts, worker, document))
      }
      const recordBytes = yield* Effect.promise(() => storedRecordBytes(stack, drafts.refs[0]!))
      for (const key of rawKeys) yield* Effect.promise(() => raw.set(key, randomBytes(recordBytes), "PX", draftTtlMillis(stack)))

      for (const concurrency of settings.concurrencies) {
        const comparison = yield* Effect.promise((signal) =>
          compare(
            { label: "Drafts.load, hot", operation: (worker) => runProgram(stack, stack.drafts.load(drafts.refs[worker]!)) },
            { label: "ioredis GET (Buffer)", operation: (worker) => rawCommand(raw.getBuffer(rawKeys[worker]!)) },
            planFor(settings, concurrency),
            signal
          )
        )
        progress(`${size} B, concurrency ${concurrency}: measured`)
        rows.push({ ...comparisonRow(size, concurrency, comparison), values: { recordBytes } })
      }
    }

    return {
      key: "load_vs_raw_get",
      title: "Drafts.load of a hot draft vs a raw GET of the same number of bytes",
      rows,
      targets: [],
      notes: ["No target is set for reads; the row shows what decoding and decrypting cost next to the Redis round trip."].concat(
        warningNotes(stack.logs)
      )
    } satisfies Entry
  })
