import type { TokenRules } from "./verifyJwt.ts"

/**
 * Tokens of the embedded default: HS256 under the token signing secret of `Secrets`, issued
 * by `issueToken` (the CLI's `token` command). The fixed issuer and audience keep a token
 * signed with the same secret for another purpose from passing here.
 */
export const embeddedTokenRules: TokenRules = {
  algorithms: ["HS256"],
  issuer: "claim-drafts",
  audience: "claim-drafts"
}

/** Lifetime of an issued token when the caller names none, in seconds (1 hour). */
export const defaultTokenLifetimeSeconds = 60 * 60

/** Maximum lifetime `issueToken` grants, in seconds (30 days). */
export const maxTokenLifetimeSeconds = 30 * 24 * 60 * 60
