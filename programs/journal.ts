import { Effect } from "effect"
import type { StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { journalPath, journalPrefix, parseJournalPath } from "./successorPaths.ts"

/** A draft named in the journal, with the markers that name it. */
export interface JournaledDraft {
  readonly key: DraftKey
  readonly markers: ReadonlyArray<string>
}

/** Journaled drafts by `draftKeyString`. */
export type JournalView = Map<string, JournaledDraft>

/** Records that a direct save of `seq` is about to happen; written before the save claims anything. */
export const writeJournalMarker = (key: DraftKey, seq: number): Effect.Effect<void, StoreUnavailable, DurableStore> =>
  Effect.flatMap(DurableStore, (durable) => durable.put(journalPath(key, seq), new Uint8Array(0)))

/** Lists every journal marker, grouped by draft; paths that are not markers are ignored. */
export const listJournal: Effect.Effect<JournalView, StoreUnavailable, DurableStore> = Effect.gen(function* () {
  const durable = yield* DurableStore
  const view: JournalView = new Map()

  for (const path of yield* durable.list(journalPrefix)) {
    const parsed = parseJournalPath(path)
    if (parsed === undefined) continue

    const id = draftKeyString(parsed.key)
    view.set(id, { key: parsed.key, markers: [...(view.get(id)?.markers ?? []), path] })
  }
  return view
})
