import { Config, Option } from "effect"
import { type ListenOptions, portConfig } from "../http/server/listenConfig.ts"

/**
 * Listen address of the Prometheus endpoint. CLAIM_DRAFTS_METRICS_PORT turns it on (0 picks a
 * free port) and CLAIM_DRAFTS_METRICS_HOST, default 127.0.0.1, sets the host. Without the
 * port no metrics listener runs. The listener is separate from the API's, so the public API
 * port never serves metrics, and it has no authentication, so only the network limits access.
 */
export const metricsListenConfig: Config.Config<Option.Option<ListenOptions>> = Config.all({
  host: Config.string("CLAIM_DRAFTS_METRICS_HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.option(portConfig("CLAIM_DRAFTS_METRICS_PORT", "turn metrics off"))
}).pipe(Config.map(({ host, port }) => Option.map(port, (value) => ({ host, port: value }))))
