import { Effect } from "effect"
import type { InvalidId } from "../../../domain/errors.ts"
import { decodeDraftId, type DraftId } from "../../../domain/ids.ts"

/**
 * Validates the `draftId` path segment. The route's schema accepts any string, so HttpApi's
 * own decode error, which quotes the value, never runs. This error names the rule only.
 */
export const parseDraftId = (value: string): Effect.Effect<DraftId, InvalidId> => Effect.suspend(() => decodeDraftId(value))
