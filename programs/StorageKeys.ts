import { createHmac, createSecretKey } from "node:crypto"
import { Effect, Redacted } from "effect"
import { LRUCache } from "lru-cache"
import type { DraftId, OwnerId } from "../domain/ids.ts"
import type { DraftKey } from "../domain/keys.ts"
import { Secrets } from "./ports/Secrets.ts"

/**
 * Derives storage keys from owner and draft ids with HMAC-SHA-256 under the storage-key
 * secret, so neither id appears in Redis keys, object keys, file names or logs. Digests are
 * 256 bits as base64url; the draft digest covers the owner too, so two owners who pick the
 * same draft id never share a key.
 */

/** Draft keys remembered per instance: an active claimant saves one draft many times in a row. */
const recentDraftKeys = 10_000

export class StorageKeys extends Effect.Service<StorageKeys>()("claim-drafts/StorageKeys", {
  effect: Effect.gen(function* () {
    const secrets = yield* Secrets
    // A KeyObject made once: createHmac with raw key bytes imports the key again on every call,
    // which costs several times the hashing itself for ids this short.
    const secret = createSecretKey(Redacted.value(secrets.storageKeySecret))

    const digest = (label: string, ...parts: ReadonlyArray<string>): string => {
      const hmac = createHmac("sha256", secret).update(label)
      for (const part of parts) hmac.update("\u0000").update(part)
      return hmac.digest("base64url")
    }

    const ownerDigest = (owner: OwnerId): string => digest("owner", owner)

    // Keyed by both ids, joined by a character that ids never contain (domain/ids.ts).
    const recent = new LRUCache<string, DraftKey>({ max: recentDraftKeys })

    const draftKey = (owner: OwnerId, draftId: DraftId): DraftKey => {
      const name = `${owner}\u0000${draftId}`
      const known = recent.get(name)
      if (known !== undefined) return known

      const key = { owner: ownerDigest(owner), draft: digest("draft", owner, draftId) }
      recent.set(name, key)
      return key
    }

    return { ownerDigest, draftKey } as const
  })
}) {}
