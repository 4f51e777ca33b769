import { Effect, Option } from "effect"
import { IntegrityFailure, type StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { type CurrentRecord, describeRecord, readDurable } from "./current.ts"
import { versionPath } from "./durablePaths.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { emptiedSuccessor, successorPath } from "./successorPaths.ts"

/** Successions followed per read; each one is a direct save whose writer stopped halfway. */
const maxRollForwards = 8

/**
 * Reads the newest durable version like `readDurable`, then finishes any direct save that
 * claimed its succession but stopped before storing the new version under its own path: the
 * claimed record is stored there, and the successor object is emptied. Without this a
 * writer that died after its claim would block every later direct save of the draft.
 */
export const readDurableRolled = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, DurableStore> =>
  Effect.gen(function* () {
    const durable = yield* DurableStore
    let current = yield* readDurable(key, now)

    for (let step = 0; step < maxRollForwards; step++) {
      const baseSeq = Option.isSome(current) ? current.value.decoded.header.seq : 0
      const claimPath = successorPath(key, baseSeq)
      const claimed = yield* durable.get(claimPath)
      if (Option.isNone(claimed) || claimed.value.length === 0) return current

      const successor = yield* describeRecord("durable", claimed.value, true, now)
      const header = successor.decoded.header
      if (header.seq <= baseSeq) {
        return yield* new IntegrityFailure({ reason: "successor record is not newer than the version it replaces" })
      }

      yield* durable.put(versionPath(key, header.seq, header.kind), successor.bytes)
      yield* durable.put(claimPath, emptiedSuccessor)
      yield* Effect.logInfo("Finished a direct save whose writer stopped after claiming the version.").pipe(
        Effect.annotateLogs({ draftKey: draftKeyString(key) })
      )
      current = Option.some(successor)
    }
    return current
  })
