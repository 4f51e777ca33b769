import { readdir, readFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { Effect } from "effect"
import type { Claim } from "../support/claims/index.ts"

/** A personal value to look for, by a name that is safe to print, in every byte form a leak could take. */
export interface Needle {
  readonly name: string
  readonly forms: ReadonlyArray<Buffer>
}

export interface Finding {
  /** Where the value was found: a path relative to the scanned directory, an object key or a log. */
  readonly location: string
  readonly needle: string
}

/** Code points of a comment that make its marker: long enough to be unique, short enough to catch a cut-off copy. */
const markerLength = 24

const escapeNonAscii = (text: string): string =>
  text.replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** Encodes each value as UTF-8 and as it appears inside a JSON string, with and without `\u` escapes. */
const formsOf = (values: ReadonlyArray<string>): ReadonlyArray<Buffer> => {
  const texts = new Set<string>()
  for (const value of values) {
    const inJson = JSON.stringify(value).slice(1, -1)
    texts.add(value).add(inJson).add(escapeNonAscii(inJson))
  }
  return [...texts].map((text) => Buffer.from(text, "utf8"))
}

/**
 * Builds the needles the scan looks for: the SSN (also without dashes), the claimant's last
 * name, the email address, the bank account number and the start of the first free-text
 * comment. Also returns the name of each missing value, so a claim without one cannot pass unscanned.
 */
export const needlesOf = (claim: Claim): { readonly needles: ReadonlyArray<Needle>; readonly missing: ReadonlyArray<string> } => {
  const accountNumber = claim.payment !== undefined && "accountNumber" in claim.payment ? claim.payment.accountNumber : undefined
  const comment = claim.employers?.find((employer) => employer.comments !== undefined)?.comments
  const marker = comment === undefined ? undefined : Array.from(comment).slice(0, markerLength).join("")

  const values: ReadonlyArray<[string, ReadonlyArray<string> | undefined]> = [
    ["the SSN", claim.ssn === undefined ? undefined : [claim.ssn, claim.ssn.replaceAll("-", "")]],
    ["the claimant's last name", claim.claimant?.last === undefined ? undefined : [claim.claimant.last]],
    ["the email address", claim.email === undefined ? undefined : [claim.email]],
    ["the bank account number", accountNumber === undefined ? undefined : [accountNumber]],
    ["a comment marker", marker === undefined ? undefined : [marker]]
  ]

  return {
    needles: values.flatMap(([name, found]) => (found === undefined ? [] : [{ name, forms: formsOf(found) }])),
    missing: values.flatMap(([name, found]) => (found === undefined ? [name] : []))
  }
}

/** Returns the name of every needle that occurs in `bytes`. */
export const findNeedles = (bytes: Uint8Array, needles: ReadonlyArray<Needle>): ReadonlyArray<string> => {
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return needles.filter((needle) => needle.forms.some((form) => haystack.includes(form))).map((needle) => needle.name)
}

const listFiles = async (directory: string): Promise<ReadonlyArray<string>> => {
  try {
    const entries = await readdir(directory, { recursive: true, withFileTypes: true })
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
  } catch (error) {
    // With S3 as the durable tier nothing may have created the data directory.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return []
    throw error
  }
}

/** Reads every regular file under `directory`, at any depth, and reports each needle it contains. */
export const scanDirectory = (
  directory: string,
  needles: ReadonlyArray<Needle>
): Effect.Effect<{ readonly files: number; readonly findings: ReadonlyArray<Finding> }> =>
  Effect.promise(async () => {
    const files = await listFiles(directory)

    const findings: Array<Finding> = []
    for (const file of files) {
      const bytes = await readFile(file)
      for (const needle of findNeedles(bytes, needles)) findings.push({ location: relative(directory, file), needle })
    }
    return { files: files.length, findings }
  })
