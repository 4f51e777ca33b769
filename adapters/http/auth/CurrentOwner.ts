import { Context } from "effect"
import type { OwnerId } from "../../../domain/ids.ts"

/** The owner of the request: the `sub` claim of its verified bearer token. */
export class CurrentOwner extends Context.Tag("claim-drafts/http/CurrentOwner")<CurrentOwner, OwnerId>() {}
