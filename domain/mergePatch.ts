import { isJsonObject, type JsonObject } from "./document.ts"

/**
 * Applies a JSON Merge Patch (RFC 7386): object members merge recursively, `null` removes
 * a member, and any other patch value replaces the target outright. Neither input is mutated.
 */
export const applyMergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isJsonObject(patch)) return patch

  const result: JsonObject = isJsonObject(target) ? { ...target } : {}
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[name]
    } else {
      result[name] = applyMergePatch(result[name], value)
    }
  }
  return result
}
