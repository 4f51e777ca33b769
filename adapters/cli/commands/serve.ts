import { Command } from "@effect/cli"
import { Effect, Layer } from "effect"
import { loadServerStack } from "../lazyModules.ts"
import { markSignalStopsCleanly } from "../stopSignal.ts"

export const serve = Command.make("serve", {}, () =>
  Effect.gen(function* () {
    const { server } = yield* loadServerStack
    yield* markSignalStopsCleanly
    return yield* Layer.launch(server)
  })
).pipe(
  Command.withDescription(
    "Run the HTTP server on HOST:PORT (default 127.0.0.1:8787) until Ctrl-C or SIGTERM, the same as `npm start`. Pending drafts are persisted before it exits. With CLAIM_DRAFTS_METRICS_PORT set, Prometheus metrics are served at /metrics on that port (host CLAIM_DRAFTS_METRICS_HOST, default 127.0.0.1)."
  )
)
