import { createServer } from "node:http"
import { HttpApiBuilder, HttpApiSwagger, HttpMiddleware, HttpServer } from "@effect/platform"
import type { ServeError } from "@effect/platform/HttpServerError"
import { NodeHttpServer } from "@effect/platform-node"
import { type ConfigError, Effect, Layer } from "effect"
import type { Drafts } from "../../../programs/Drafts.ts"
import type { DraftsConfig } from "../../../programs/DraftsConfig.ts"
import type { DurableStore } from "../../../programs/ports/DurableStore.ts"
import type { HotStore } from "../../../programs/ports/HotStore.ts"
import { ClaimDraftsApi } from "../api/ClaimDraftsApi.ts"
import * as AuthenticationLayer from "../auth/authenticationLayer.ts"
import type { TokenVerifier } from "../auth/TokenVerifier.ts"
import * as DraftsHandlers from "../handlers/draftsHandlers.ts"
import * as HealthHandlers from "../handlers/healthHandlers.ts"
import { listenConfig, type ListenOptions } from "./listenConfig.ts"
import { requestSpans } from "./requestSpans.ts"
import * as UnhandledFailures from "./unhandledFailures.ts"

/** The API with its handlers and token check. */
export const apiLayer = HttpApiBuilder.api(ClaimDraftsApi).pipe(
  Layer.provide(DraftsHandlers.layer),
  Layer.provide(HealthHandlers.layer),
  Layer.provide(AuthenticationLayer.layer)
)

/** Services the HTTP server needs from the draft stack. */
export type ServerRequirements = Drafts | DraftsConfig | HotStore | DurableStore | TokenVerifier

/**
 * Serves the API, /openapi.json and /docs (Swagger UI) with Node's HTTP server, and exposes
 * the bound server so callers that listen on port 0 can read the port. Request spans come
 * from `requestSpans`, because Effect's own HTTP tracer puts the draft id on them.
 */
export const layer = (
  listen: ListenOptions
): Layer.Layer<HttpServer.HttpServer, ServeError, ServerRequirements> =>
  HttpApiBuilder.serve(requestSpans).pipe(
    HttpMiddleware.withTracerDisabledWhen(() => true),
    Layer.provide(HttpApiSwagger.layer({ path: "/docs" })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(UnhandledFailures.layer),
    Layer.provide(apiLayer),
    HttpServer.withLogAddress,
    Layer.provideMerge(NodeHttpServer.layer(createServer, listen))
  )

/** The server on HOST and PORT (default 127.0.0.1:8787). */
export const layerConfig: Layer.Layer<HttpServer.HttpServer, ServeError | ConfigError.ConfigError, ServerRequirements> =
  Layer.unwrapEffect(Effect.map(listenConfig, layer))
