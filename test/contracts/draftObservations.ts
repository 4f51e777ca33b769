import { expect } from "@effect/vitest"
import { Either } from "effect"
import type { LoadedDraft } from "../../programs/model.ts"

/**
 * Durability and ETag checks that use only what the programs reported, not the reference
 * model, so a mistake shared by the model and the programs still fails a run.
 */

/** What a client may rely on for a draft after its latest acknowledged write. */
type Acknowledged =
  | {
      readonly kind: "version"
      readonly etag: string
      readonly document: string
      readonly expiresAt: number
      durable: boolean
      hotLostSince: boolean
    }
  | { readonly kind: "absent"; durable: boolean; hotLostSince: boolean }

export interface VersionContent {
  readonly kind: string
  readonly seq: number
  readonly document: string
}

const fingerprint = (content: VersionContent): string => JSON.stringify([content.kind, content.seq, content.document])

export class Observations {
  /** Content by draft and ETag: ETags name versions of one draft, as HTTP ETags name versions of one resource. */
  private readonly contentOfEtag = new Map<string, string>()
  private readonly etagsSeen = new Map<number, Array<string>>()
  private readonly acknowledged = new Map<number, Acknowledged>()

  /** Records the ETag of a new write, which must never have named a version of the draft before. */
  newEtag(draft: number, etag: string, content: VersionContent): void {
    expect(this.contentOfEtag.has(JSON.stringify([draft, etag])), `ETag ${etag} of a new write was issued before`).toBe(false)
    this.sawEtag(draft, etag, content)
  }

  /** Records an ETag a read returned; it must name the same content as whenever it was seen before. */
  sawEtag(draft: number, etag: string, content: VersionContent): void {
    const id = JSON.stringify([draft, etag])
    const known = this.contentOfEtag.get(id)
    const seen = fingerprint(content)
    if (known !== undefined) expect(seen, `ETag ${etag} named other content before`).toBe(known)
    this.contentOfEtag.set(id, seen)

    const etags = this.etagsSeen.get(draft) ?? []
    if (!etags.includes(etag)) etags.push(etag)
    this.etagsSeen.set(draft, etags)
  }

  /** Returns the latest ETag seen for the draft other than `current`. */
  staleEtag(draft: number, current: string | undefined): string | undefined {
    const etags = this.etagsSeen.get(draft) ?? []
    return etags.findLast((etag) => etag !== current)
  }

  acknowledgeWrite(draft: number, version: { readonly etag: string; readonly document: string; readonly expiresAt: number }, durable: boolean): void {
    const { etag, document, expiresAt } = version
    this.acknowledged.set(draft, { kind: "version", etag, document, expiresAt, durable, hotLostSince: false })
  }

  acknowledgeDeletion(draft: number, durable: boolean): void {
    this.acknowledged.set(draft, { kind: "absent", durable, hotLostSince: false })
  }

  /** Notes that a load, list or flush reported `etag` durable. */
  reportedDurable(draft: number, etag: string): void {
    const acknowledged = this.acknowledged.get(draft)
    if (acknowledged?.kind === "version" && acknowledged.etag === etag) acknowledged.durable = true
  }

  loseHotTier(): void {
    for (const acknowledged of this.acknowledged.values()) acknowledged.hotLostSince = true
  }

  /**
   * Checks a load against the latest acknowledged write: it must read back unless it expired,
   * or unless the hot tier was lost since and the write was never reported durable. In that
   * case the load shows what survived, and later loads must agree with it.
   */
  checkLoad(draft: number, result: Either.Either<LoadedDraft, { readonly _tag: string }>, now: number): void {
    const acknowledged = this.acknowledged.get(draft) ?? { kind: "absent", durable: true, hotLostSince: false }

    if (acknowledged.hotLostSince && !acknowledged.durable) {
      if (Either.isRight(result)) {
        const { etag, document, expiresAt, durable } = result.right
        this.acknowledged.set(draft, { kind: "version", etag, document, expiresAt, durable, hotLostSince: false })
      } else {
        this.acknowledged.set(draft, { kind: "absent", durable: true, hotLostSince: false })
      }
      return
    }

    const readable = acknowledged.kind === "version" && now < acknowledged.expiresAt
    if (!readable) {
      expect(Either.isLeft(result) ? result.left._tag : "a document", "a deleted, expired or never saved draft").toBe(
        "DraftNotFound"
      )
      return
    }

    const what = acknowledged.durable ? "a version reported durable" : "an acknowledged save"
    expect(Either.isRight(result) ? result.right.etag : result.left._tag, `${what} was lost`).toBe(acknowledged.etag)
    if (Either.isRight(result)) {
      expect(result.right.document, `${what} reads back changed`).toBe(acknowledged.document)
      if (result.right.durable) acknowledged.durable = true
    }
  }
}
