import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtemp, rm } from "node:fs/promises"
import { createConnection, createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ConnectionOptions, connect as connectTls } from "node:tls"
import { Redis } from "ioredis"

/**
 * A real redis-server for tests, bound to a free loopback port with its own temporary
 * directory and no persistence, so a kill or restart loses everything as a crashed hot tier
 * does. It never uses port 6379, which belongs to the machine's own Redis.
 */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** A new client for inspecting the server; the caller quits it. */
  readonly client: () => Redis
  readonly flushAll: () => Promise<void>
  /** SIGKILL, then waits until the process has exited. */
  readonly kill: () => Promise<void>
  /** Starts the server again on the same port, empty, and waits until it replies to PING. */
  readonly restart: () => Promise<void>
  /** Sends SIGSTOP: the process keeps its sockets open but replies to nothing, like a hung server. */
  readonly pause: () => void
  readonly resume: () => void
  /** Stops the server and removes its directory. */
  readonly stop: () => Promise<void>
}

export interface RedisServerOptions {
  /** Starts as a replica of the server on this loopback port. */
  readonly replicaOf?: number
  /** Starts in cluster mode and assigns every slot to this one node. */
  readonly cluster?: boolean
  /**
   * Serves TLS only: the port is the TLS port and plain TCP is off. Clients need no
   * certificate of their own (`tls-auth-clients no`) unless `clientAuth` is set. Then every
   * client must present one, and `client()` presents the certificate and key given there.
   */
  readonly tls?: {
    readonly certFile: string
    readonly keyFile: string
    readonly caFile: string
    readonly caPem: string
    readonly clientAuth?: { readonly certPem: string; readonly keyPem: string }
  }
  /** Further `--name value` arguments, e.g. `["--requirepass", "secret"]`. */
  readonly extraArguments?: ReadonlyArray<string>
}

const serverPath = "/usr/bin/redis-server"
const reservedPort = 6379
const startTimeoutMillis = 10_000

/** Finds a loopback port that nothing listens on right now, never 6379. */
export const freeLoopbackPort = async (): Promise<number> => {
  for (;;) {
    const server = createServer()
    server.listen(0, "127.0.0.1")
    await once(server, "listening")
    const address = server.address()
    server.close()
    await once(server, "close")
    if (typeof address === "object" && address !== null && address.port !== reservedPort) return address.port
  }
}

/**
 * Sends PING over a raw socket, or a TLS socket with `tls` options, and resolves true when
 * the reply is PONG, or NOAUTH when a password is set.
 */
const answersPing = (port: number, tls?: ConnectionOptions): Promise<boolean> =>
  new Promise((resolve) => {
    const socket: Socket = tls === undefined ? createConnection({ host: "127.0.0.1", port }) : connectTls({ ...tls, host: "127.0.0.1", port })
    const finish = (answered: boolean) => {
      socket.destroy()
      resolve(answered)
    }
    socket.setTimeout(500, () => finish(false))
    socket.on("error", () => finish(false))
    socket.on("data", (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString("latin1"))))
    socket.on(tls === undefined ? "connect" : "secureConnect", () => socket.write("PING\r\n"))
  })

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const waitUntil = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + startTimeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`redis-server did not ${what} within ${startTimeoutMillis} ms`)
    await sleep(25)
  }
}

const running = new Set<ChildProcess>()
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL")
})

export const startRedisServer = async (options: RedisServerOptions = {}): Promise<RedisServer> => {
  const directory = await mkdtemp(join(tmpdir(), "claim-drafts-redis-"))
  const port = await freeLoopbackPort()
  const password = passwordOf(options.extraArguments ?? [])

  const { tls } = options
  const listenArguments =
    tls === undefined
      ? ["--port", String(port)]
      : [
          "--port", "0",
          "--tls-port", String(port),
          "--tls-cert-file", tls.certFile,
          "--tls-key-file", tls.keyFile,
          "--tls-ca-cert-file", tls.caFile,
          "--tls-auth-clients", tls.clientAuth === undefined ? "no" : "yes"
        ]
  const serverArguments = [
    ...listenArguments,
    "--bind", "127.0.0.1",
    "--dir", directory,
    "--save", "",
    "--appendonly", "no",
    "--daemonize", "no",
    "--loglevel", "warning",
    ...(options.replicaOf === undefined ? [] : ["--replicaof", "127.0.0.1", String(options.replicaOf)]),
    ...(options.cluster ? ["--cluster-enabled", "yes", "--cluster-config-file", join(directory, "nodes.conf")] : []),
    ...(options.extraArguments ?? [])
  ]

  let child: ChildProcess | undefined
  let output = ""

  const clientTls: ConnectionOptions | undefined =
    tls === undefined
      ? undefined
      : { ca: tls.caPem, ...(tls.clientAuth ? { cert: tls.clientAuth.certPem, key: tls.clientAuth.keyPem } : {}) }

  const client = () =>
    new Redis({
      host: "127.0.0.1",
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      ...(password ? { password } : {}),
      ...(clientTls ? { tls: clientTls } : {})
    })

  const withClient = async <A>(use: (redis: Redis) => Promise<A>): Promise<A> => {
    const redis = client()
    try {
      return await use(redis)
    } finally {
      redis.disconnect()
    }
  }

  const assignSlots = () =>
    withClient(async (redis) => {
      const info = await redis.cluster("INFO")
      if (!/cluster_slots_assigned:16384/.test(String(info))) await redis.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
      await waitUntil(async () => /cluster_state:ok/.test(String(await redis.cluster("INFO"))), "report cluster_state:ok")
    })

  const launch = async () => {
    const started = spawn(serverPath, serverArguments, { stdio: ["ignore", "pipe", "pipe"] })
    started.stdout?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-4_000)))
    started.stderr?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-4_000)))
    running.add(started)
    started.once("exit", () => running.delete(started))
    child = started

    try {
      await waitUntil(async () => {
        if (started.exitCode !== null) throw new Error(`redis-server exited: ${output}`)
        return answersPing(port, clientTls)
      }, `answer PING on port ${port}`)
    } catch (error) {
      started.kill("SIGKILL")
      throw error
    }
    if (options.cluster) await assignSlots()
  }

  const kill = async () => {
    const current = child
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return
    const exited = once(current, "exit")
    current.kill("SIGKILL")
    await exited
  }

  await launch()

  return {
    port,
    url: `${tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
    client,
    flushAll: () => withClient(async (redis) => void (await redis.flushall())),
    kill,
    restart: async () => {
      await kill()
      await launch()
    },
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    stop: async () => {
      child?.kill("SIGCONT")
      await kill()
      await rm(directory, { recursive: true, force: true })
    }
  }
}

const passwordOf = (serverArguments: ReadonlyArray<string>): string | undefined => {
  const index = serverArguments.indexOf("--requirepass")
  return index < 0 ? undefined : serverArguments[index + 1]
}
