import { Command, Options } from "@effect/cli"
import { Console, Duration, Effect } from "effect"
import { maxTokenLifetimeSeconds } from "../../http/auth/embeddedTokens.ts"
import { parseDurationOption } from "../durationOption.ts"
import { loadTokenIssuer } from "../lazyModules.ts"
import { ownerOption, parseOwner } from "../options.ts"

const maxTtl = Duration.seconds(maxTokenLifetimeSeconds)

const ttlOption = Options.text("ttl").pipe(
  Options.withDescription(`Token lifetime as a whole number with a unit s, m, h or d, e.g. 15m or 12h; at most ${Duration.format(maxTtl)}.`),
  Options.withDefault("1h")
)

export const token = Command.make("token", { owner: ownerOption, ttl: ttlOption }, (input) =>
  Effect.gen(function* () {
    const owner = yield* parseOwner(input.owner)
    const ttl = yield* parseDurationOption("--ttl", input.ttl, maxTtl)

    const { issueConfiguredToken } = yield* loadTokenIssuer
    const jwt = yield* issueConfiguredToken(owner, Math.floor(Duration.toSeconds(ttl)))
    yield* Console.log(jwt)
  })
).pipe(
  Command.withDescription(
    "Print a JWT for the owner (HS256 under the token signing secret of the key file, issuer and audience claim-drafts) for local use with the HTTP API as `Authorization: Bearer <token>`. Default lifetime 1 hour."
  )
)
