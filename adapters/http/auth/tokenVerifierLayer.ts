import { type ConfigError, Effect, Layer, Option } from "effect"
import type { Secrets } from "../../../programs/ports/Secrets.ts"
import type { KeyConfigError } from "../../KeyConfigError.ts"
import * as EmbeddedTokenVerifier from "./EmbeddedTokenVerifier.ts"
import { jwksSettings } from "./jwksConfig.ts"
import * as JwksTokenVerifier from "./JwksTokenVerifier.ts"
import { remembering } from "./rememberVerified.ts"
import type { TokenVerifier } from "./TokenVerifier.ts"

/**
 * The token verifier the environment selects: a JWK set from CLAIM_DRAFTS_JWKS_URL or
 * CLAIM_DRAFTS_JWKS_FILE with CLAIM_DRAFTS_JWT_ISSUER and CLAIM_DRAFTS_JWT_AUDIENCE, else
 * HS256 tokens under the token signing secret of `Secrets`. Successful verifications are
 * reused for a short while (see rememberVerified.ts).
 */
export const layerConfig: Layer.Layer<TokenVerifier, KeyConfigError | ConfigError.ConfigError, Secrets> = remembering(
  Layer.unwrapEffect(
    Effect.map(
      jwksSettings,
      Option.match({
        onNone: () => EmbeddedTokenVerifier.layer,
        onSome: JwksTokenVerifier.layer
      })
    )
  )
)
