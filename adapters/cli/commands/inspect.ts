import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { HotStore } from "../../../programs/ports/HotStore.ts"
import { type DurableInventory, readDurableInventory, type RecordSummary } from "../durableInventory.ts"
import { loadConfiguredLayer } from "../lazyModules.ts"
import { jsonOption } from "../options.ts"
import { formatTable, printJson } from "../output.ts"

const isoOrDash = (epochMillis: number | undefined) => (epochMillis === undefined ? "-" : new Date(epochMillis).toISOString())

const recordJson = (record: RecordSummary) => ({
  ...record,
  createdAt: record.createdAt === undefined ? undefined : isoOrDash(record.createdAt),
  savedAt: record.savedAt === undefined ? undefined : isoOrDash(record.savedAt),
  expiresAt: record.expiresAt === undefined ? undefined : isoOrDash(record.expiresAt)
})

const tableOf = (records: ReadonlyArray<RecordSummary>): string =>
  formatTable([
    ["DRAFT KEY (OWNER DIGEST/DRAFT DIGEST)", "SEQ", "KIND", "STATUS", "CREATED", "SAVED", "EXPIRES", "BYTES", "KEY ID"],
    ...records.map((record) => [
      record.draftKey,
      String(record.seq),
      record.kind ?? "-",
      record.problem === undefined ? record.status : `${record.status} (${record.problem})`,
      isoOrDash(record.createdAt),
      isoOrDash(record.savedAt),
      isoOrDash(record.expiresAt),
      String(record.sizeBytes),
      record.keyId ?? "-"
    ])
  ])

const summaryOf = (inventory: DurableInventory, pending: number | undefined): string => {
  const drafts = new Set(inventory.records.map((record) => record.draftKey)).size
  const hot = pending === undefined
    ? "hot tier: in-memory, held by each process; its pending count is not reachable from here"
    : `hot tier: ${pending} draft${pending === 1 ? "" : "s"} pending persistence`
  const other = inventory.otherObjects === 0 ? "" : `, ${inventory.otherObjects} other objects`
  return `Durable tier: ${drafts} draft${drafts === 1 ? "" : "s"}, ${inventory.records.length} records${other}; ${hot}.`
}

/** The hot tier's pending count when it is shared (Redis); the in-memory tier of this process would always report 0. */
const sharedPendingCount = (redis: boolean) =>
  Effect.gen(function* () {
    if (!redis) return undefined

    const hot = yield* HotStore
    return yield* hot.pendingCount.pipe(
      Effect.catchTag("StoreUnavailable", (error) =>
        Effect.as(Console.error(`The hot tier is not reachable: ${error.message}`), undefined)
      )
    )
  })

export const inspect = Command.make("inspect", { json: jsonOption }, (input) =>
  Effect.gen(function* () {
    const ConfiguredLayer = yield* loadConfiguredLayer
    const { redis } = yield* ConfiguredLayer.selection
    const { inventory, pending } = yield* Effect.all({
      inventory: readDurableInventory,
      pending: sharedPendingCount(redis)
    }).pipe(Effect.provide(ConfiguredLayer.portsLayer))

    if (input.json) {
      return yield* printJson({ records: inventory.records.map(recordJson), otherObjects: inventory.otherObjects, hotTierPending: pending ?? null })
    }
    if (inventory.records.length > 0) yield* Console.log(tableOf(inventory.records))
    yield* Console.error(summaryOf(inventory, pending))
  })
).pipe(
  Command.withDescription(
    "Show metadata of every record in the durable tier without decrypting anything: draft key digests, seq, kind, status, created, saved and expiry times, size and key id; and the hot tier's pending count when the hot tier is Redis."
  )
)
