import { Effect, Either, Option } from "effect"
import type { DraftKey } from "../../domain/keys.ts"
import { decodeRecord } from "../../domain/record.ts"
import { etagOf } from "../../domain/version.ts"
import { draftPrefix } from "../../programs/durablePaths.ts"
import { Absent, Any } from "../../programs/ports/HotStore.ts"
import type { DraftStack } from "./draftStack.ts"

/** The raw stores of a stack. */
type Stores = Pick<DraftStack, "hot" | "durable">

/** One stored record with where it was found, for tests that inspect or rewrite bytes. */
export interface StoredRecord {
  readonly tier: "hot" | "durable"
  /** The durable path, or the draft key for the hot tier. */
  readonly location: string
  readonly bytes: Uint8Array
}

/** A TTL long enough that no test outlives a record it planted in the hot tier. */
const plantedTtlMillis = 400 * 24 * 60 * 60 * 1000

/** The hot record of a draft, or none. */
export const hotBytes = (stack: Stores, key: DraftKey) =>
  Effect.map(stack.hot.get(key), Option.map((record) => record.bytes))

/** The durable paths of a draft, newest version first. */
export const durablePaths = (stack: Stores, key: DraftKey) => stack.durable.list(draftPrefix(key))

/** The bytes of the newest durable version of a draft; fails the test when there is none. */
export const newestDurable = (stack: Stores, key: DraftKey) =>
  Effect.gen(function* () {
    const [path] = yield* durablePaths(stack, key)
    if (path === undefined) return yield* Effect.dieMessage("the draft has no durable version")
    const bytes = yield* stack.durable.get(path)
    return { path, bytes: Option.getOrThrow(bytes) }
  })

/** The ETag the programs store beside a record, or a made-up one when the bytes do not decode. */
const etagBeside = (bytes: Uint8Array): string =>
  Either.match(decodeRecord(bytes), {
    onLeft: () => `"undecodable-${Math.random().toString(36).slice(2)}"`,
    onRight: (record) => etagOf(record.header)
  })

/**
 * Replaces a draft's hot record with `bytes` that the hot store treats as durable and keeps
 * for a long time, as tampered or stale storage would.
 */
export const plantHotRecord = (stack: Stores, key: DraftKey, bytes: Uint8Array) =>
  Effect.gen(function* () {
    yield* stack.hot.remove(key, Any)
    const outcome = yield* stack.hot.write({
      key,
      record: { bytes, etag: etagBeside(bytes), durable: true },
      ttlMillis: plantedTtlMillis,
      condition: Absent
    })
    if (outcome !== "written") return yield* Effect.dieMessage(`planting a hot record returned ${outcome}`)
  })

/** Every record in both tiers: the hot records of the owners' drafts and every durable object. */
export const allStoredRecords = (stack: Stores, ownerDigests: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const records: Array<StoredRecord> = []

    for (const owner of ownerDigests) {
      for (const key of yield* stack.hot.ownerKeys(owner)) {
        const record = yield* stack.hot.get(key)
        if (Option.isSome(record)) records.push({ tier: "hot", location: `${key.owner}/${key.draft}`, bytes: record.value.bytes })
      }
    }
    for (const path of yield* stack.durable.list("")) {
      const bytes = yield* stack.durable.get(path)
      if (Option.isSome(bytes)) records.push({ tier: "durable", location: path, bytes: bytes.value })
    }
    return records
  })
