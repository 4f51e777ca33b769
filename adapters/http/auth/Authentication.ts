import { HttpApiMiddleware, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ServiceUnavailableProblem, UnauthorizedProblem } from "../problems/Problem.ts"
import { CurrentOwner } from "./CurrentOwner.ts"

const bearer = HttpApiSecurity.bearer.pipe(
  HttpApiSecurity.annotate(OpenApi.Format, "JWT"),
  HttpApiSecurity.annotate(
    OpenApi.Description,
    "A JWT whose `sub` claim is the owner id and which carries `exp`. Each owner sees only their own drafts."
  )
)

/**
 * Verifies the bearer token of every draft request and provides its owner. A token that is
 * missing or invalid fails with 401; a token key set that cannot be fetched fails with 503.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("claim-drafts/http/Authentication", {
  failure: Schema.Union(UnauthorizedProblem, ServiceUnavailableProblem),
  provides: CurrentOwner,
  security: { bearer }
}) {}
