import { errors } from "jose"
import { TokenKeysUnavailable, TokenRejected } from "./TokenVerifier.ts"

/** Seconds a client waits before retrying when the key set could not be fetched. */
const keysRetryAfterSeconds = 5

const claimRule = (claim: string, reason: string): string =>
  reason === "missing" ? `the "${claim}" claim is missing` : `the "${claim}" claim is not acceptable`

/**
 * Translates a jose verification failure. Only jose's stable error codes and claim names
 * reach the message, never the token or its claim values. `remote` marks verification
 * against a fetched key set, where a failed or malformed fetch is the server's problem.
 */
export const classifyJoseError = (error: unknown, remote: boolean): TokenRejected | TokenKeysUnavailable => {
  if (!(error instanceof errors.JOSEError)) {
    return remote
      ? new TokenKeysUnavailable({ retryAfterSeconds: keysRetryAfterSeconds, cause: error })
      : new TokenRejected({ reason: "the token could not be verified" })
  }

  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return new TokenRejected({ reason: "the token has expired; request a new one" })
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const failure = error as errors.JWTClaimValidationFailed
      return new TokenRejected({ reason: claimRule(failure.claim, failure.reason) })
    }
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return new TokenRejected({ reason: "its signing algorithm is not allowed" })
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return new TokenRejected({ reason: "its signature does not verify" })
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return new TokenRejected({ reason: "no single key of the key set matches its header" })
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JWKS_INVALID":
    case "ERR_JOSE_GENERIC":
      return remote
        ? new TokenKeysUnavailable({ retryAfterSeconds: keysRetryAfterSeconds, cause: error })
        : new TokenRejected({ reason: "the token could not be verified" })
    default:
      return new TokenRejected({ reason: "it is not a well-formed signed JWT" })
  }
}
