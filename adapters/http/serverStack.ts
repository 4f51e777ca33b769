import { Effect, Layer } from "effect"
import * as configuredLayer from "../configuredLayer.ts"
import * as DataDirLock from "../filesystem/dataDirLock.ts"
import * as MetricsServer from "../monitoring/MetricsServer.ts"
import * as PersistOnShutdown from "../persistOnShutdown.ts"
import * as WriteBehind from "../writeBehind.ts"
import * as TokenVerifiers from "./auth/tokenVerifierLayer.ts"
import { listenConfig } from "./server/listenConfig.ts"
import * as HttpServer from "./server/serverLayer.ts"

/** The data directory lock, held as a server, when the embedded default is configured. */
const embeddedLock = Layer.unwrapEffect(
  Effect.map(configuredLayer.selection, ({ redis, s3 }) =>
    !redis && !s3 ? DataDirLock.layerConfig("server") : Layer.empty
  )
)

const describeStack = Layer.effectDiscard(
  Effect.flatMap(configuredLayer.describeSelection, (selection) => Effect.logInfo(`Serving drafts with ${selection}.`))
)

// The one server stack of `npm start` and `claim-drafts serve`. Layers release in reverse: the server stops taking requests, then the write-behind loop
// stops, then every pending draft is persisted, the stores close, and the lock goes last.
// HOST and PORT are read before anything starts, so an invalid one stops startup at once.
export const server = Layer.unwrapEffect(
  Effect.map(listenConfig, (listen) =>
    HttpServer.layer(listen).pipe(
      Layer.provide(WriteBehind.layer),
      Layer.provide(MetricsServer.layerConfig),
      Layer.provide(PersistOnShutdown.layerConfig),
      Layer.provide(TokenVerifiers.layerConfig),
      Layer.provide(describeStack),
      Layer.provide(configuredLayer.layer),
      Layer.provide(embeddedLock)
    )
  )
)
