import { Schema } from "effect"
import { DraftId, OwnerId } from "../../domain/ids.ts"

/** Decodes an owner id, so a typo in a test fails loudly instead of testing an invalid id. */
export const ownerId = (text: string): OwnerId => Schema.decodeSync(OwnerId)(text)

/** Decodes a draft id; at least 16 characters, as the domain requires. */
export const draftId = (text: string): DraftId => Schema.decodeSync(DraftId)(text)
