/** One entity tag of an If-Match or If-None-Match list (RFC 9110 section 8.8.3). */
export interface EntityTag {
  readonly weak: boolean
  /** The tag with its double quotes, as it appears in an ETag header. */
  readonly tag: string
}

export type EntityTagList =
  | { readonly _tag: "Any" }
  | { readonly _tag: "Tags"; readonly tags: ReadonlyArray<EntityTag> }
  | { readonly _tag: "Malformed" }

const listItem = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/y

/** Parses `*` or a comma-separated list of entity tags. Anything else is malformed. */
export const parseEntityTagList = (value: string): EntityTagList => {
  if (value.trim() === "*") return { _tag: "Any" }

  const tags: Array<EntityTag> = []
  listItem.lastIndex = 0
  while (listItem.lastIndex < value.length) {
    const match = listItem.exec(value)
    if (match === null) return { _tag: "Malformed" }
    tags.push({ weak: match[1] !== undefined, tag: match[2]! })
  }
  return tags.length === 0 ? { _tag: "Malformed" } : { _tag: "Tags", tags }
}
