import { Either } from "effect"
import { DraftTooLarge, InvalidDocument } from "./errors.ts"

export interface DocumentLimits {
  readonly maxDocumentBytes: number
  readonly maxDepth: number
}

export type JsonObject = { [key: string]: unknown }

/** A validated draft document: the exact text to store and its parsed form. */
export interface DraftDocument {
  readonly text: string
  readonly value: JsonObject
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Parses JSON text without echoing any of it: V8's messages quote the input, which may be
 * personal data, so only the offset survives.
 */
export const parseJson = (text: string, field: string): Either.Either<unknown, InvalidDocument> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1]
    const where = position === undefined ? "" : ` (syntax error at character ${position})`
    return Either.left(new InvalidDocument({ field, rule: `must be valid JSON text${where}` }))
  }
}

/**
 * Checks whether a parsed JSON value nests objects and arrays deeper than `maxDepth` levels; scalars
 * are depth 0. Recursion goes at most `maxDepth` frames deep, because it stops there.
 */
const depthExceeds = (value: object, maxDepth: number): boolean => {
  if (maxDepth === 0) return true

  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child === "object" && child !== null && depthExceeds(child, maxDepth - 1)) return true
    }
    return false
  }
  for (const name in value) {
    const child = (value as JsonObject)[name]
    if (typeof child === "object" && child !== null && depthExceeds(child, maxDepth - 1)) return true
  }
  return false
}

/** Checks a parsed document against the rules every stored draft obeys. */
export const validateValue = (
  value: unknown,
  text: string,
  field: string,
  limits: DocumentLimits
): Either.Either<DraftDocument, InvalidDocument | DraftTooLarge> => {
  if (!isJsonObject(value)) {
    return Either.left(new InvalidDocument({ field, rule: "the draft must be a JSON object ({...})" }))
  }
  if (Buffer.byteLength(text, "utf8") > limits.maxDocumentBytes) {
    return Either.left(new DraftTooLarge({ field, limitBytes: limits.maxDocumentBytes }))
  }
  if (depthExceeds(value, limits.maxDepth)) {
    return Either.left(
      new InvalidDocument({ field, rule: `nesting must be at most ${limits.maxDepth} levels of objects and arrays` })
    )
  }
  return Either.right({ text, value })
}

/**
 * Validates the body of a full replace. Incomplete or invalid claim content is accepted:
 * only the JSON shape, size and depth are checked, and the text is stored as received.
 */
export const parseDocument = (
  text: string,
  limits: DocumentLimits
): Either.Either<DraftDocument, InvalidDocument | DraftTooLarge> => {
  if (Buffer.byteLength(text, "utf8") > limits.maxDocumentBytes) {
    return Either.left(new DraftTooLarge({ field: "body", limitBytes: limits.maxDocumentBytes }))
  }
  return parseJson(text, "body").pipe(Either.flatMap((value) => validateValue(value, text, "body", limits)))
}
