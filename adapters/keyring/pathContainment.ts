import { realpath } from "node:fs/promises"
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path"

/**
 * Resolves a path to an absolute one with symbolic links resolved as far as the path exists,
 * so a link cannot hide that a path lies inside a directory. Missing trailing parts are
 * appended unchanged, which lets a file that does not exist yet be checked.
 */
export const canonicalPath = async (path: string): Promise<string> => {
  const absolute = resolve(path)
  const missing: Array<string> = []
  let existing = absolute

  for (;;) {
    try {
      const real = await realpath(existing)
      return missing.length === 0 ? real : join(real, ...missing.reverse())
    } catch {
      const parent = dirname(existing)
      if (parent === existing) return absolute
      missing.push(basename(existing))
      existing = parent
    }
  }
}

/** Tests whether `path` is `directory` itself or lies anywhere below it, after resolving links. */
export const isInsideDirectory = async (path: string, directory: string): Promise<boolean> => {
  const [canonicalFile, canonicalDirectory] = await Promise.all([canonicalPath(path), canonicalPath(directory)])
  const fromDirectory = relative(canonicalDirectory, canonicalFile)
  const outside = fromDirectory === ".." || fromDirectory.startsWith(`..${sep}`) || isAbsolute(fromDirectory)
  return !outside
}
