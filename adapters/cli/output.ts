import { Console, Effect } from "effect"
import type { DraftVersion, LoadedDraft } from "../../programs/model.ts"

/**
 * Printing for commands. Standard output carries the result: a document, a version as JSON, a
 * table or a token. Standard error carries notes for the person at the terminal, and errors.
 */

const isoTime = (epochMillis: number): string => new Date(epochMillis).toISOString()

/** A version with ISO 8601 times, for JSON output. */
export const versionJson = (version: DraftVersion) => ({
  draftId: version.draftId,
  etag: version.etag,
  seq: version.seq,
  state: version.state,
  createdAt: isoTime(version.createdAt),
  savedAt: isoTime(version.savedAt),
  expiresAt: isoTime(version.expiresAt),
  durable: version.durable
})

export const loadedJson = (draft: LoadedDraft) => ({ ...versionJson(draft), tier: draft.tier })

/** Prints a value as one line of JSON on standard output. */
export const printJson = (value: unknown) => Console.log(JSON.stringify(value))

/** `name: value` lines of a version for standard error. */
export const describeVersion = (version: DraftVersion): string =>
  [
    `draft: ${version.draftId}`,
    `etag: ${version.etag}`,
    `seq: ${version.seq}`,
    `state: ${version.state}`,
    `created: ${isoTime(version.createdAt)}`,
    `saved: ${isoTime(version.savedAt)}`,
    `expires: ${isoTime(version.expiresAt)}`,
    `durable: ${version.durable ? "yes" : "no"}`
  ].join("\n")

export const printNote = (text: string) => Console.error(text)

/**
 * Writes a document to standard output exactly as stored, so `get > file` and `put --file
 * file` round-trip byte for byte; a newline is added only for a terminal.
 */
export const printDocument = (document: string) =>
  Effect.sync(() => {
    process.stdout.write(process.stdout.isTTY ? `${document}\n` : document)
  })

/** Left-aligned columns separated by two spaces; the header row comes first. */
export const formatTable = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths: Array<number> = []
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length)
    })
  }
  return rows
    .map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join("  "))
    .join("\n")
}
