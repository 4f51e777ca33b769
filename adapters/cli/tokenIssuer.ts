import { Effect } from "effect"
import type { OwnerId } from "../../domain/ids.ts"
import { issueToken } from "../http/auth/issueToken.ts"
import * as keyServices from "../keyServices.ts"

/** Issues a token of the embedded default under the configured token signing secret. */
export const issueConfiguredToken = (owner: OwnerId, ttlSeconds: number) =>
  issueToken({ owner, ttlSeconds }).pipe(Effect.provide(keyServices.layerConfig))
