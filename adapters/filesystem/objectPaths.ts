import { randomBytes } from "node:crypto"

/**
 * Mapping of durable paths to files. A path such as `owner/draft/0000000000000001.rec` becomes
 * nested directories and a file under the data directory. Segments are restricted to the
 * characters of digests and version names, so no path can climb out of the directory, and a
 * segment never starts with `.`, which leaves dot names free for temporary files.
 */

const segmentPattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/
const partialSegmentPattern = /^[A-Za-z0-9._-]{0,255}$/

/** Prefix of the temporary files that atomic writes rename into place. */
export const temporaryPrefix = ".tmp-"

const segmentRule =
  "1 to 255 characters from A-Z a-z 0-9 . _ - that do not start with '.'; build paths with programs/durablePaths.ts"

/** Splits a durable path into its segments, or returns the rule it breaks. */
export const pathSegments = (path: string): ReadonlyArray<string> | string => {
  const segments = path.split("/")
  return segments.every((segment) => segmentPattern.test(segment)) ? segments : `each path segment must be ${segmentRule}`
}

/**
 * Splits a list prefix into the directory segments it names in full and the start of the
 * next name, or returns the rule it breaks. `a/b` lists the names starting with `b` in `a`.
 */
export const prefixSegments = (
  prefix: string
): { readonly directories: ReadonlyArray<string>; readonly namePrefix: string } | string => {
  const segments = prefix.split("/")
  const namePrefix = segments.pop() ?? ""
  if (!segments.every((segment) => segmentPattern.test(segment))) {
    return `each prefix segment before the last '/' must be ${segmentRule}`
  }
  if (!partialSegmentPattern.test(namePrefix)) {
    return "the prefix after its last '/' must contain only A-Z a-z 0-9 . _ -"
  }
  return { directories: segments, namePrefix }
}

export const temporaryName = (): string => `${temporaryPrefix}${randomBytes(12).toString("hex")}`

/** True for names that never belong to a stored object: temporary files and other dot files. */
export const isHiddenName = (name: string): boolean => name.startsWith(".")
