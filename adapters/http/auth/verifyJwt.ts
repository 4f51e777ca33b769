import { Effect, Either } from "effect"
import { type JWTVerifyGetKey, jwtVerify } from "jose"
import { decodeOwnerId, type OwnerId } from "../../../domain/ids.ts"
import { classifyJoseError } from "./joseErrors.ts"
import { TokenRejected, type TokenKeysUnavailable } from "./TokenVerifier.ts"

/** Claims and algorithms a token must satisfy besides its signature. */
export interface TokenRules {
  /** Allowed `alg` header values; `none` is never among them. */
  readonly algorithms: ReadonlyArray<string>
  readonly issuer: string
  readonly audience: string
}

/** Tolerated clock difference between the token issuer and this server, in seconds. */
const clockToleranceSeconds = 30

/** Verifies a compact JWT under `key` and returns its `sub` as the owner. */
export const verifyJwt = (
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  rules: TokenRules,
  remote: boolean
): Effect.Effect<OwnerId, TokenRejected | TokenKeysUnavailable> =>
  Effect.tryPromise({
    // Two calls because jwtVerify's overloads take a key or a key resolver, not the union.
    try: () =>
      typeof key === "function"
        ? jwtVerify(token, key, verifyOptions(rules))
        : jwtVerify(token, key, verifyOptions(rules)),
    catch: (error) => classifyJoseError(error, remote)
  }).pipe(
    Effect.flatMap(({ payload }) =>
      Either.match(decodeOwnerId(payload.sub), {
        onLeft: () => Effect.fail(new TokenRejected({ reason: 'the "sub" claim is not a valid owner id' })),
        onRight: Effect.succeed
      })
    )
  )

const verifyOptions = (rules: TokenRules) => ({
  algorithms: [...rules.algorithms],
  issuer: rules.issuer,
  audience: rules.audience,
  requiredClaims: ["exp", "sub"],
  clockTolerance: clockToleranceSeconds
})
