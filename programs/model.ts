import type { DraftId, OwnerId } from "../domain/ids.ts"

/** The version a write replaces. */
export type Precondition =
  /** The draft must not exist (HTTP `If-None-Match: *`). */
  | { readonly _tag: "Create" }
  /** The draft's current ETag must equal this strong ETag (HTTP `If-Match`). */
  | { readonly _tag: "Replace"; readonly etag: string }
  /**
   * Last write wins: replaces whatever is current, or creates. Offered to hosts that accept
   * that two tabs may silently overwrite each other; the HTTP API never uses it.
   */
  | { readonly _tag: "Unconditional" }

export const Create: Precondition = { _tag: "Create" }
export const Unconditional: Precondition = { _tag: "Unconditional" }
export const Replace = (etag: string): Precondition => ({ _tag: "Replace", etag })

export type DraftState = "draft" | "submitted"

/** Non-personal facts about one stored version; times are epoch milliseconds. */
export interface DraftVersion {
  readonly draftId: DraftId
  readonly etag: string
  readonly seq: number
  readonly state: DraftState
  readonly createdAt: number
  readonly savedAt: number
  readonly expiresAt: number
  /** True once this version is in the durable tier and survives losing the hot tier. */
  readonly durable: boolean
  /** True when the save went straight to the durable tier because the hot tier was down. */
  readonly direct?: boolean
}

export interface LoadedDraft extends DraftVersion {
  /** The document as saved: the exact text of a full replace, or the serialized merge result. */
  readonly document: string
  /** Tier that served the read. */
  readonly tier: "hot" | "durable"
}

export interface SaveRequest {
  readonly owner: OwnerId
  readonly draftId: DraftId
  /** JSON object text, stored exactly as given. */
  readonly document: string
  readonly precondition: Precondition
}

export interface PatchRequest {
  readonly owner: OwnerId
  readonly draftId: DraftId
  /** JSON Merge Patch (RFC 7386) text. */
  readonly patch: string
  readonly precondition: Precondition
}

export interface DraftRef {
  readonly owner: OwnerId
  readonly draftId: DraftId
}

export interface SubmitRequest extends DraftRef {
  readonly precondition: Precondition
}

export interface DeleteRequest extends DraftRef {
  /** Absent: delete whatever version is current. */
  readonly etag?: string
}

export interface DeleteResult {
  /** True when the deletion is in the durable tier, so no restore can bring the draft back. */
  readonly durable: boolean
}

export interface PersistReport {
  readonly claimed: number
  readonly persisted: number
  readonly failed: number
}

export interface SweepReport {
  readonly scanned: number
  readonly deleted: number
}
