import { Redacted } from "effect"
import type { ClusterOptions, RedisOptions } from "ioredis"
import type { ResolvedOptions, StandaloneOptions } from "./redisOptions.ts"
import type { ClusterTarget } from "./redisTargets.ts"

/** Detects the READONLY reply a replica sends to a write, after which the command is sent again on a fresh connection. */
const isReadOnlyReply = (error: Error): boolean => error.message.startsWith("READONLY")

const isAddress = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":")

/**
 * Node TLS options, or none for `redis://`. A `rediss://` target never falls back to plain
 * TCP: ioredis opens every connection with `tls.connect`, which verifies the certificate
 * chain and the host name, against `tlsCa` when set and Node's root certificates otherwise.
 * `tlsCert` and `tlsKey`, when set, are the client certificate the server may require.
 */
const tlsOptions = (options: ResolvedOptions, servername: string | undefined) => {
  if (!options.target.tls) return {}

  return {
    tls: {
      ...(servername === undefined ? {} : { servername }),
      ...(options.tlsCa === undefined ? {} : { ca: options.tlsCa }),
      ...(options.tlsCert === undefined ? {} : { cert: options.tlsCert }),
      ...(options.tlsKey === undefined ? {} : { key: Redacted.value(options.tlsKey) })
    }
  }
}

const credentials = (target: { readonly username: string | undefined; readonly password: Redacted.Redacted<string> | undefined }) => ({
  ...(target.username === undefined ? {} : { username: target.username }),
  ...(target.password === undefined ? {} : { password: Redacted.value(target.password) })
})

/**
 * ioredis options that keep every call bounded:
 * - `commandTimeout` fails a command that gets no reply in time, including time spent in the
 *   offline queue while the client reconnects.
 * - `maxRetriesPerRequest` flushes that queue after so many failed reconnection attempts, so a
 *   dead Redis fails calls after about one reconnect delay.
 * - The offline queue stays enabled because ioredis resends a READONLY command through it.
 *   After a failover leaves the client on a replica, `reconnectOnError` reconnects, normally
 *   to the new primary behind the same address, and sends the command again within the same
 *   timeout. With the queue disabled ioredis would reject that resend at once.
 * - Reconnection never stops, so the client recovers by itself once Redis is back.
 */
export const clientOptions = (options: StandaloneOptions): RedisOptions => {
  const { target } = options

  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...credentials(target),
    ...tlsOptions(options, isAddress(target.host) ? undefined : target.host),
    connectionName: "claim-drafts",
    connectTimeout: options.connectTimeoutMillis,
    commandTimeout: options.commandTimeoutMillis,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, options.maxReconnectDelayMillis),
    reconnectOnError: (error) => (isReadOnlyReply(error) ? 2 : false)
  }
}

/** Delay, in milliseconds, before a command is sent again after CLUSTERDOWN, TRYAGAIN or a closed node connection. */
const clusterRetryDelayMillis = 100

/**
 * ioredis `Cluster` options with the same bounds as `clientOptions`:
 * - `commandTimeout` on every node connection fails a command that gets no reply in time,
 *   counted from its first send, so redirections and retries stay within it.
 * - The cluster-level offline queue is disabled because ioredis puts no timeout on it: while
 *   the cluster is not ready (no node reachable, or still connecting) calls fail at once.
 *   Node connections keep their own queues, which the command timeout bounds.
 * - MOVED and ASK replies are followed up to `maxRedirections` times; MOVED also refreshes the
 *   slot table. A closed node connection, CLUSTERDOWN and TRYAGAIN are retried every 100 ms
 *   within the same limit while the slot table is refreshed. A failover that takes longer
 *   than those retries (about 1.6 s) or the command timeout fails the call.
 * - Commands go to primaries only (`scaleReads: "master"`). A cluster replica that receives a
 *   write through a stale slot table replies MOVED, not READONLY. So no READONLY resend is
 *   set up here, and a READONLY reply fails the call.
 * - Host names are not resolved ahead of time (`dnsLookup` returns them unchanged), so TLS
 *   checks a certificate against the name the cluster announces.
 * - The cluster reconnects without end, 100 ms, 200 ms, ... up to `maxReconnectDelayMillis`.
 */
export const clusterOptions = (options: ResolvedOptions & { readonly target: ClusterTarget }): ClusterOptions => ({
  redisOptions: {
    ...credentials(options.target),
    ...tlsOptions(options, undefined),
    connectionName: "claim-drafts",
    connectTimeout: options.connectTimeoutMillis,
    commandTimeout: options.commandTimeoutMillis,
    maxRetriesPerRequest: options.maxRetriesPerRequest
  },
  enableOfflineQueue: false,
  enableReadyCheck: true,
  enableAutoPipelining: true,
  lazyConnect: true,
  scaleReads: "master",
  maxRedirections: 16,
  retryDelayOnMoved: 0,
  retryDelayOnFailover: clusterRetryDelayMillis,
  retryDelayOnClusterDown: clusterRetryDelayMillis,
  retryDelayOnTryAgain: clusterRetryDelayMillis,
  slotsRefreshTimeout: options.commandTimeoutMillis,
  dnsLookup: (address, callback) => callback(null, address),
  clusterRetryStrategy: (attempt) => Math.min(attempt * 100, options.maxReconnectDelayMillis)
})
