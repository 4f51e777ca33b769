import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import * as configuredLayer from "../configuredLayer.ts"
import * as PersistOnShutdown from "../persistOnShutdown.ts"
import * as WriteBehind from "../writeBehind.ts"
import * as TokenVerifiers from "./auth/tokenVerifierLayer.ts"
import * as HttpServer from "./server/serverLayer.ts"

const describeStack = Layer.effectDiscard(
  Effect.flatMap(configuredLayer.describeSelection, (selection) => Effect.logInfo(`Serving drafts with ${selection}.`))
)

// Layers release in reverse: the server stops taking requests, then the write-behind loop
// stops, then every pending draft is persisted, and only then do the stores close.
const server = HttpServer.layerConfig.pipe(
  Layer.provide(WriteBehind.layer),
  Layer.provide(PersistOnShutdown.layerConfig),
  Layer.provide(TokenVerifiers.layerConfig),
  Layer.provide(describeStack),
  Layer.provide(configuredLayer.layer)
)

NodeRuntime.runMain(Layer.launch(server))
