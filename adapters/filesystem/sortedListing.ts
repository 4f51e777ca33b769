import type { Dirent } from "node:fs"
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { isHiddenName } from "./objectPaths.ts"

interface Entry {
  readonly name: string
  readonly directory: boolean
  /** The name as it appears inside a full path: directories carry their trailing `/`. */
  readonly sortKey: string
}

const missingDirectoryCodes = new Set(["ENOENT", "ENOTDIR"])

const readEntries = async (directory: string): Promise<ReadonlyArray<Dirent>> => {
  try {
    return await readdir(directory, { withFileTypes: true })
  } catch (error) {
    if (missingDirectoryCodes.has((error as NodeJS.ErrnoException).code ?? "")) return []
    throw error
  }
}

const compareSortKeys = (left: Entry, right: Entry): number => {
  if (left.sortKey < right.sortKey) return -1
  if (left.sortKey > right.sortKey) return 1
  return 0
}

/**
 * Sorting by name plus `/` for directories gives the byte order of the full paths: `a-b/x`
 * and `a.c` both come before `a/x`, because `-` and `.` sort before `/`. Names are ASCII
 * (objectPaths.ts), so comparing UTF-16 code units compares bytes.
 */
const sortedEntries = (entries: ReadonlyArray<Dirent>, namePrefix: string): Array<Entry> =>
  entries
    .filter((entry) => !isHiddenName(entry.name) && entry.name.startsWith(namePrefix))
    .filter((entry) => entry.isFile() || entry.isDirectory())
    .map((entry) => {
      const directory = entry.isDirectory()
      return { name: entry.name, directory, sortKey: directory ? `${entry.name}/` : entry.name }
    })
    .sort(compareSortKeys)

/**
 * Lists stored paths under `directory` whose names start with `namePrefix`, depth first in
 * byte order, and stops reading directories once `limit` paths are found. `list(draft, 1)`
 * therefore reads one directory. Symbolic links and dot files are skipped.
 */
export const listSorted = async (
  directory: string,
  pathPrefix: string,
  namePrefix: string,
  limit: number
): Promise<Array<string>> => {
  const found: Array<string> = []

  const visit = async (current: string, currentPrefix: string, startOfName: string): Promise<void> => {
    for (const entry of sortedEntries(await readEntries(current), startOfName)) {
      if (found.length >= limit) return

      if (entry.directory) {
        await visit(join(current, entry.name), `${currentPrefix}${entry.name}/`, "")
      } else {
        found.push(`${currentPrefix}${entry.name}`)
      }
    }
  }

  if (limit > 0) await visit(directory, pathPrefix, namePrefix)
  return found
}
