/**
 * Where a draft lives in storage: keyed digests of its owner and of the (owner, draft id)
 * pair, base64url without padding. They identify a draft without revealing either id.
 */
export interface DraftKey {
  readonly owner: string
  readonly draft: string
}

/** Joins a key into one string, for maps and log annotations. */
export const draftKeyString = (key: DraftKey): string => `${key.owner}/${key.draft}`

export const parseDraftKeyString = (value: string): DraftKey | undefined => {
  const [owner, draft, ...rest] = value.split("/")
  return owner && draft && rest.length === 0 ? { owner, draft } : undefined
}
