import { type DraftKey, draftKeyString, parseDraftKeyString } from "../../domain/keys.ts"

/**
 * Redis key layout of the hot store (docs/redis.md shows it with examples).
 *
 *   {<prefix>:<shard>}:draft:<owner digest>/<draft digest>   hash: bytes, etag, durable, first
 *   {<prefix>:<shard>}:pending                               sorted set: member <owner>/<draft>, score due ms
 *   <prefix>:owner:<owner digest>                            set: draft digests, advisory
 *
 * A draft's record and its shard's pending set share the hash tag `{<prefix>:<shard>}`, so
 * one Lua script can update both on Redis Cluster. The shard is fixed by the draft digest
 * and the shard count, so every instance must run with the same count: changing it moves
 * every draft to a different key, which reads as a lost hot tier.
 */
export interface KeyLayout {
  readonly prefix: string
  readonly shards: number
}

/** Digests are base64url, so they never contain the `/`, `{` or `}` the layout relies on. */
const digestPattern = /^[A-Za-z0-9_-]+$/

export const isDigest = (value: string): boolean => digestPattern.test(value)

/** FNV-1a, 32 bits: stable across processes and languages, and cheap for short digests. */
const fnv1a = (value: string): number => {
  let hash = 0x811c9dc5
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** Shard of a draft, from 0 to `shards - 1`; the draft digest is already uniform, so any stable hash spreads it. */
export const shardOf = (layout: KeyLayout, key: DraftKey): number => fnv1a(key.draft) % layout.shards

const shardTag = (layout: KeyLayout, shard: number): string => `{${layout.prefix}:${shard}}`

export const recordKey = (layout: KeyLayout, key: DraftKey): string =>
  `${shardTag(layout, shardOf(layout, key))}:draft:${draftKeyString(key)}`

export const pendingKey = (layout: KeyLayout, shard: number): string => `${shardTag(layout, shard)}:pending`

export const pendingKeyOf = (layout: KeyLayout, key: DraftKey): string => pendingKey(layout, shardOf(layout, key))

export const ownerKey = (layout: KeyLayout, owner: string): string => `${layout.prefix}:owner:${owner}`

/** Member of a pending set: the draft's key string, which names both digests. */
export const pendingMember = (key: DraftKey): string => draftKeyString(key)

export const parsePendingMember = (member: string): DraftKey | undefined => parseDraftKeyString(member)

/** Every pending set, one per shard. */
export const pendingKeys = (layout: KeyLayout): ReadonlyArray<string> =>
  Array.from({ length: layout.shards }, (_, shard) => pendingKey(layout, shard))

/**
 * Pending drafts one shard may hold so that all shards together hold at most `limit`. A
 * script reads only its own shard, so the bound is split evenly: with shard count N each
 * shard holds at most floor(limit / N), and a save is rejected once its own shard is full,
 * which can happen before the total reaches `limit`. A positive limit below N still allows
 * one draft per shard, so the total may then reach N.
 */
export const shardPendingLimit = (layout: KeyLayout, limit: number): number =>
  limit <= 0 ? 0 : Math.max(1, Math.floor(limit / layout.shards))
