import { createServer } from "node:http"
import { HttpMiddleware, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import type { ServeError } from "@effect/platform/HttpServerError"
import { NodeHttpServer } from "@effect/platform-node"
import { type ConfigError, Context, Duration, Effect, Layer, Metric, Option } from "effect"
import { HotStore } from "../../programs/ports/HotStore.ts"
import type { ListenOptions } from "../http/server/listenConfig.ts"
import { metricsListenConfig } from "./metricsConfig.ts"
import { renderMetrics } from "./prometheus.ts"

/** Media type of the Prometheus text exposition format, version 0.0.4. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

/** Time the hot tier may take to count pending drafts before a scrape goes on without it. */
const pendingCountTimeout = Duration.seconds(2)

const pendingGauge = Metric.gauge("claim_drafts_pending_drafts", {
  description: "Drafts in the hot tier that wait to be persisted, counted at each scrape"
})

/** The bound metrics listener, so callers that listen on port 0 can read the port. */
export class MetricsServer extends Context.Tag("claim-drafts/MetricsServer")<
  MetricsServer,
  { readonly address: HttpServer.Address }
>() {}

/**
 * Updates the pending gauge. An unavailable or slow hot tier leaves the last value, and the
 * tier metrics already report the outage.
 */
const refreshPendingGauge = Effect.flatMap(HotStore, (hot) => hot.pendingCount).pipe(
  Effect.timeout(pendingCountTimeout),
  Effect.flatMap((count) => Metric.set(pendingGauge, count)),
  Effect.catchAll(() => Effect.void)
)

const scrape = Effect.gen(function* () {
  yield* refreshPendingGauge
  const body = yield* renderMetrics
  return HttpServerResponse.text(body, { contentType: prometheusContentType })
})

const app = HttpRouter.empty.pipe(
  HttpRouter.get("/metrics", scrape),
  Effect.catchTag("RouteNotFound", () =>
    Effect.succeed(HttpServerResponse.text("Not found: this listener serves GET /metrics only.\n", { status: 404 }))
  )
)

/**
 * Serves GET /metrics in the Prometheus text format on its own listener, without a token.
 * Request tracing is off here: scrapes carry no draft and would only add noise.
 */
export const layer = (listen: ListenOptions): Layer.Layer<MetricsServer, ServeError, HotStore> => {
  const serving = HttpServer.serve(app).pipe(HttpMiddleware.withTracerDisabledWhen(() => true))
  const bound = Layer.effect(
    MetricsServer,
    Effect.gen(function* () {
      const server = yield* HttpServer.HttpServer
      yield* Effect.logInfo(`Serving Prometheus metrics on ${HttpServer.formatAddress(server.address)}/metrics.`)
      return { address: server.address }
    })
  )
  return Layer.merge(serving, bound).pipe(Layer.provide(NodeHttpServer.layer(createServer, listen)))
}

/** The metrics listener CLAIM_DRAFTS_METRICS_PORT and CLAIM_DRAFTS_METRICS_HOST configure, or nothing when the port is unset. */
export const layerConfig: Layer.Layer<never, ServeError | ConfigError.ConfigError, HotStore> = Layer.unwrapEffect(
  Effect.map(metricsListenConfig, (listen) =>
    Option.match(listen, { onNone: () => Layer.empty, onSome: (options) => Layer.discard(layer(options)) })
  )
)
