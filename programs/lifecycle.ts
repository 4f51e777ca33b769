import { Effect, Option } from "effect"
import { PreconditionFailed, type StoreUnavailable } from "../domain/errors.ts"
import type { OwnerId } from "../domain/ids.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { decodeRecord } from "../domain/record.ts"
import { isExpired, submittedExpiry } from "../domain/retention.ts"
import { nextSeq } from "../domain/version.ts"
import { now, openPayload, requireLive, retentionPolicy, versionOf } from "./context.ts"
import { type CurrentRecord, readCurrent } from "./current.ts"
import { draftPrefix, parseVersionPath } from "./durablePaths.ts"
import type { DeleteRequest, DeleteResult, DraftRef, SubmitRequest, SweepReport } from "./model.ts"
import { encodePayload } from "./payload.ts"
import { persistOne } from "./persist.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { Any, HotStore } from "./ports/HotStore.ts"
import { ownerKeys } from "./read.ts"
import { StorageKeys } from "./StorageKeys.ts"
import { parseSuccessorPath, staleSuccessors } from "./successorPaths.ts"
import { carriesUnverified } from "./unverifiedWrites.ts"
import { replacing, writeRecord } from "./writeRecord.ts"

/**
 * Persists a draft now and reports whether `etag` is durable. A durable-tier failure leaves
 * the draft pending for the write-behind loop instead of failing the caller's write.
 */
const persistNow = (key: DraftKey, etag: string, method: string) =>
  persistOne(key).pipe(
    Effect.map((result) => result.etag === etag),
    Effect.catchAll((error) =>
      Effect.logWarning("Persisting right away failed; the write-behind loop retries it.").pipe(
        Effect.annotateLogs({ draftKey: draftKeyString(key), error: error._tag, method }),
        Effect.as(false)
      )
    )
  )

/** Makes the draft's current version durable now, without waiting for the write-behind loop. */
export const flush = (ref: DraftRef) =>
  Effect.gen(function* () {
    const key = (yield* StorageKeys).draftKey(ref.owner, ref.draftId)
    const record = yield* Effect.flatMap(readCurrent(key, yield* now), requireLive)
    if (record.durable) return versionOf(ref.draftId, record)

    const result = yield* persistOne(key)
    if (result.outcome === "discarded") {
      // The unverified version gave way to the durable one, which is now the current version.
      return versionOf(ref.draftId, yield* Effect.flatMap(readCurrent(key, yield* now), requireLive))
    }
    return versionOf(ref.draftId, { ...record, durable: result.etag === record.etag })
  })

/**
 * Makes the draft read-only and returns its final document. A retried submit within the
 * grace period returns the same document whatever precondition it carries, so a lost
 * response never loses the claim. After the grace period the draft reads as not found.
 */
export const submit = (request: SubmitRequest) =>
  Effect.gen(function* () {
    const key = (yield* StorageKeys).draftKey(request.owner, request.draftId)
    const policy = yield* retentionPolicy
    const time = yield* now
    const current = yield* readCurrent(key, time)
    const record = yield* requireLive(current)
    const payload = yield* openPayload(key, record)

    if (record.decoded.header.kind === "submitted") {
      return { document: payload.document, version: versionOf(request.draftId, record) }
    }
    if (request.precondition._tag === "Create") return yield* new PreconditionFailed({ reason: "already-exists" })
    if (request.precondition._tag === "Replace" && request.precondition.etag !== record.etag) {
      return yield* new PreconditionFailed({ reason: "stale-version" })
    }

    const fields = {
      kind: "submitted" as const,
      seq: nextSeq(record.decoded.header.seq, time),
      createdAt: record.decoded.header.createdAt,
      savedAt: time,
      expiresAt: submittedExpiry(policy, time),
      ...(carriesUnverified(record) ? { unverified: true } : {})
    }
    const plaintext = encodePayload(request.draftId, payload.document)
    const written = yield* writeRecord(key, replacing(current), fields, plaintext).pipe(
      Effect.ensuring(Effect.sync(() => plaintext.fill(0))),
      Effect.catchTag("WriteConflict", () => new PreconditionFailed({ reason: "stale-version" }))
    )

    const durable = yield* persistNow(key, written.etag, "submit")
    const version = versionOf(request.draftId, { decoded: { header: written.header }, etag: written.etag, durable })
    return { document: payload.document, version }
  })

/**
 * Replaces the current version with a tombstone that outlives every version it hides, then
 * persists it. The tombstone sorts before any record of an equal or lower seq, so a persist
 * already in flight cannot bring the draft back.
 */
const deleteKey = (key: DraftKey, record: CurrentRecord, current: Option.Option<CurrentRecord>) =>
  Effect.gen(function* () {
    const policy = yield* retentionPolicy
    const time = yield* now
    const header = record.decoded.header
    const fields = {
      kind: "tombstone" as const,
      seq: nextSeq(header.seq, time),
      createdAt: header.createdAt,
      savedAt: time,
      expiresAt: Math.max(header.createdAt + policy.maxAgeMillis, header.expiresAt)
    }

    const written = yield* writeRecord(key, replacing(current), fields, undefined)
    const durable = yield* persistNow(key, written.etag, "delete")
    return { durable } satisfies DeleteResult
  })

/** Deletes one draft; with an ETag, only if it is still the current version. */
export const remove = (request: DeleteRequest) =>
  Effect.gen(function* () {
    const key = (yield* StorageKeys).draftKey(request.owner, request.draftId)
    const current = yield* readCurrent(key, yield* now)
    const record = yield* requireLive(current)
    if (request.etag !== undefined && request.etag !== record.etag) {
      return yield* new PreconditionFailed({ reason: "stale-version" })
    }
    return yield* deleteKey(key, record, current).pipe(
      Effect.catchTag("WriteConflict", () => new PreconditionFailed({ reason: "stale-version" }))
    )
  })

/** Attempts per draft when concurrent saves keep replacing the version being deleted. */
const deleteAllAttempts = 5

/**
 * Removes every trace of a draft whose stored record fails its integrity check: it cannot be
 * opened or versioned, but an erase request must still erase it.
 */
const eraseUnreadable = (key: DraftKey) =>
  Effect.gen(function* () {
    const durable = yield* DurableStore
    yield* (yield* HotStore).remove(key, Any)
    const paths = yield* durable.list(draftPrefix(key))
    if (paths.length > 0) yield* durable.delete(paths)
    yield* Effect.logWarning("Erased a draft whose stored record failed its integrity check.").pipe(
      Effect.annotateLogs({ draftKey: draftKeyString(key), method: "deleteAll" })
    )
    return Option.some<DeleteResult>({ durable: true })
  })

/**
 * Erases every live draft of an owner; a draft saved again during the erase is deleted in
 * its newer version. One that keeps changing through every attempt fails the erase with
 * `WriteConflict`, which callers retry.
 */
export const removeAll = (owner: OwnerId) =>
  Effect.gen(function* () {
    const keys = yield* ownerKeys(owner)

    const results = yield* Effect.forEach(
      keys,
      (key) =>
        Effect.gen(function* () {
          const current = yield* readCurrent(key, yield* now)
          if (Option.isNone(current) || !current.value.live) return Option.none<DeleteResult>()
          return Option.some(yield* deleteKey(key, current.value, current))
        }).pipe(
          Effect.retry({ times: deleteAllAttempts - 1, while: (error) => error._tag === "WriteConflict" }),
          Effect.catchTag("IntegrityFailure", () => eraseUnreadable(key))
        ),
      { concurrency: 8 }
    )

    const deleted = results.flatMap(Option.toArray)
    return { deleted: deleted.length, durable: deleted.every((result) => result.durable) }
  })

/**
 * Deletes from the durable tier every draft whose newest version has expired (tombstones
 * included once they outlive what they hide), and versions older than each draft's newest.
 * Successor objects of direct saves go with their draft, or once superseded for a while
 * (`staleSuccessors`). The hot tier needs no sweep: its records carry TTLs.
 */
export const sweepExpired: Effect.Effect<SweepReport, StoreUnavailable, DurableStore> = Effect.gen(function* () {
  const durable = yield* DurableStore
  const time = yield* now
  const groups = new Map<string, { versions: Array<string>; successors: Array<string> }>()
  for (const path of yield* durable.list("")) {
    const version = parseVersionPath(path)
    const parsed = version ?? parseSuccessorPath(path)
    if (parsed === undefined) continue
    const id = draftKeyString(parsed.key)
    const group = groups.get(id) ?? { versions: [], successors: [] }
    if (version === undefined) group.successors.push(path)
    else group.versions.push(path)
    groups.set(id, group)
  }

  let deleted = 0
  for (const [id, { successors, versions }] of groups) {
    // NOTE: successor objects of a draft without any version wait for a read to roll them forward.
    if (versions.length === 0) continue

    const [newest, ...older] = versions as [string, ...Array<string>]
    const bytes = yield* durable.get(newest)
    const decoded = Option.map(bytes, decodeRecord)
    const expired = Option.isSome(decoded) && decoded.value._tag === "Right" && isExpired(decoded.value.right.header, time)

    if (expired) {
      yield* durable.delete([...versions, ...successors])
      deleted += 1
      yield* Effect.logInfo("Swept an expired draft from the durable tier.").pipe(Effect.annotateLogs({ draftKey: id }))
      continue
    }

    const stale = staleSuccessors(successors, parseVersionPath(newest)?.seq ?? 0, time)
    if (older.length > 0 || stale.length > 0) yield* durable.delete([...older, ...stale])
  }
  return { scanned: groups.size, deleted }
})
