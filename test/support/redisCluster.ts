import { execFile } from "node:child_process"
import { promisify } from "node:util"
import type { Redis } from "ioredis"
import { freeLoopbackPort, type RedisServer, type RedisServerOptions, startRedisServer } from "./redisServer.ts"

const run = promisify(execFile)

/**
 * A real Redis Cluster for tests: three primaries, each with one replica, on free loopback
 * ports with their own temporary directories and no persistence. A short node timeout lets
 * a replica take over within a few seconds of its primary dying.
 */
export interface RedisCluster {
  /** `redis://` (or `rediss://`) URL with every node as a seed, for `REDIS_CLUSTER_URL`. */
  readonly url: string
  readonly nodes: ReadonlyArray<RedisServer>
  /** Ports of the nodes that are primaries now, as the cluster reports them. */
  readonly primaryPorts: () => Promise<ReadonlyArray<number>>
  /** Port of the primary that serves a slot now. */
  readonly primaryOfSlot: (slot: number) => Promise<number>
  /** FLUSHALL on every live primary; replicas follow. */
  readonly flushAll: () => Promise<void>
  /**
   * SIGKILLs the primary on `port` and waits until one of its replicas serves its slots and
   * every live node reports `cluster_state:ok`.
   */
  readonly killPrimary: (port: number) => Promise<void>
  /** Stops every node and removes their directories. */
  readonly stop: () => Promise<void>
}

export interface RedisClusterOptions {
  /** Milliseconds without a reply after which a node counts as failed (default 1000). */
  readonly nodeTimeoutMillis?: number
  /** Serves TLS only, on client ports and the cluster bus alike, with these files. */
  readonly tls?: RedisServerOptions["tls"]
}

const redisCliPath = "/usr/bin/redis-cli"
const primaries = 3
const readyTimeoutMillis = 30_000

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const waitUntil = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + readyTimeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster did not ${what} within ${readyTimeoutMillis} ms`)
    await sleep(100)
  }
}

const withClient = async <A>(node: RedisServer, use: (client: Redis) => Promise<A>): Promise<A> => {
  const client = node.client()
  client.on("error", () => undefined)
  try {
    return await use(client)
  } finally {
    client.disconnect()
  }
}

/** One line of CLUSTER NODES: id, address, flags, primary id, ..., slot ranges. */
interface NodeLine {
  readonly id: string
  readonly port: number
  readonly flags: ReadonlyArray<string>
  readonly primaryId: string
  readonly slotRanges: ReadonlyArray<string>
}

const parseNodes = (reply: string): Array<NodeLine> =>
  reply
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", address = "", flags = "", primaryId = "", , , , , ...slotRanges] = line.split(" ")
      return { id, port: Number(/:(\d+)@/.exec(address)?.[1]), flags: flags.split(","), primaryId, slotRanges }
    })

const servesSlot = (line: NodeLine, slot: number): boolean =>
  line.slotRanges.some((range) => {
    const [first, last = first] = range.split("-").map(Number)
    return first !== undefined && last !== undefined && slot >= first && slot <= last
  })

const isLivePrimary = (line: NodeLine): boolean =>
  line.flags.includes("master") && !line.flags.includes("fail") && !line.flags.includes("fail?")

export const startRedisCluster = async (options: RedisClusterOptions = {}): Promise<RedisCluster> => {
  const nodeTimeout = String(options.nodeTimeoutMillis ?? 1_000)
  const started = await Promise.allSettled(
    Array.from({ length: primaries * 2 }, async () =>
      startRedisServer({
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        extraArguments: [
          ...(options.tls === undefined ? [] : ["--tls-cluster", "yes", "--tls-replication", "yes"]),
          // The default bus port, client port + 10000, may be taken or above 65535.
          "--cluster-port", String(await freeLoopbackPort()),
          "--cluster-enabled", "yes",
          "--cluster-node-timeout", nodeTimeout,
          // With factor 0 a replica may take over however long its link to the primary has been down (redis.conf).
          "--cluster-replica-validity-factor", "0",
          "--repl-diskless-sync-delay", "0"
        ]
      })
    )
  )
  const nodes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []))
  const dead = new Set<number>()

  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()))
  }

  const liveNodes = () => nodes.filter((node) => !dead.has(node.port))

  const clusterNodes = () => withClient(liveNodes()[0]!, async (client) => parseNodes(String(await client.cluster("NODES"))))

  const allReport = (check: (info: string, replication: string) => boolean) => async () => {
    const reports = await Promise.all(
      liveNodes().map((node) =>
        withClient(node, async (client) => check(String(await client.cluster("INFO")), await client.info("replication"))).catch(
          () => false
        )
      )
    )
    return reports.every(Boolean)
  }

  try {
    const failure = started.find((result) => result.status === "rejected")
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason

    const tlsArguments = options.tls === undefined ? [] : ["--tls", "--cacert", options.tls.caFile]
    await run(
      redisCliPath,
      [...tlsArguments, "--cluster", "create", ...nodes.map((node) => `127.0.0.1:${node.port}`), "--cluster-replicas", "1", "--cluster-yes"],
      { timeout: readyTimeoutMillis }
    )
    await waitUntil(
      allReport((info, replication) => {
        const isOk = info.includes("cluster_state:ok")
        const isSynced = !replication.includes("role:slave") || replication.includes("master_link_status:up")
        return isOk && isSynced
      }),
      "report cluster_state:ok with every replica in sync"
    )
  } catch (error) {
    await stop()
    throw error
  }

  return {
    url: `${options.tls === undefined ? "redis" : "rediss"}://${nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}`,
    nodes,
    primaryPorts: async () => (await clusterNodes()).filter(isLivePrimary).map((line) => line.port),
    primaryOfSlot: async (slot) => {
      const owner = (await clusterNodes()).find((line) => isLivePrimary(line) && servesSlot(line, slot))
      if (owner === undefined) throw new Error(`no live primary serves slot ${slot}`)
      return owner.port
    },
    flushAll: async () => {
      const lines = await clusterNodes()
      const primaryNodes = liveNodes().filter((node) => lines.some((line) => line.port === node.port && isLivePrimary(line)))
      await Promise.all(primaryNodes.map((node) => withClient(node, async (client) => void (await client.flushall()))))
    },
    killPrimary: async (port) => {
      const node = nodes.find((candidate) => candidate.port === port)
      if (node === undefined) throw new Error(`no cluster node on port ${port}`)
      const slotRanges = (await clusterNodes()).find((line) => line.port === port)?.slotRanges ?? []
      const firstSlot = Number(slotRanges[0]?.split("-")[0])

      await node.kill()
      dead.add(port)

      await waitUntil(async () => {
        const owner = (await clusterNodes()).find((line) => isLivePrimary(line) && servesSlot(line, firstSlot))
        return owner !== undefined && owner.port !== port
      }, `promote a replica of the primary on port ${port}`)
      await waitUntil(
        allReport((info) => info.includes("cluster_state:ok")),
        "report cluster_state:ok after the failover"
      )
    },
    stop
  }
}
