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
      // Own members only, defined rather than assigned: assigning a member named `__proto__`
      // would set the result's prototype and drop the member from the stored document.
      const existing = Object.hasOwn(result, name) ? result[name] : undefined
      Object.defineProperty(result, name, {
        value: applyMergePatch(existing, value),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
  }
  return result
}
