import { Either, Redacted } from "effect"

/** Connection target parsed from `REDIS_URL`. */
export interface RedisTarget {
  readonly _tag: "Standalone"
  readonly host: string
  readonly port: number
  readonly tls: boolean
  readonly db: number
  readonly username: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
}

/** One seed node of a Redis Cluster. */
export interface ClusterNode {
  readonly host: string
  readonly port: number
}

/**
 * Connection target parsed from `REDIS_CLUSTER_URL`: seed nodes, from which the client
 * discovers every primary and replica, and the scheme and credentials shared by all nodes.
 */
export interface ClusterTarget {
  readonly _tag: "Cluster"
  readonly nodes: ReadonlyArray<ClusterNode>
  readonly tls: boolean
  readonly username: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
}

const urlRule =
  "redis://[username[:password]@]host[:port][/db] or rediss://... with a port from 1 to 65535, a database number and no query string"

export const clusterUrlRule =
  "redis://[username[:password]@]host[:port][,host[:port]...] or rediss://... with at least one node, ports from 1 to 65535, no database number and no query string"

const decode = (component: string): string | undefined => {
  try {
    return decodeURIComponent(component)
  } catch {
    return undefined
  }
}

/**
 * Parses a Redis URL. A failure returns the rule broken, never the URL, because the URL may
 * hold a password.
 */
export const parseRedisUrl = (raw: string): Either.Either<RedisTarget, string> => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Either.left(urlRule)
  }

  if (url.protocol !== "redis:" && url.protocol !== "rediss:") return Either.left(urlRule)
  if (url.hostname === "" || url.search !== "" || url.hash !== "") return Either.left(urlRule)

  const port = url.port === "" ? 6379 : Number(url.port)
  if (port < 1) return Either.left(urlRule)

  const path = url.pathname.replace(/^\//, "")
  if (!/^\d{0,5}$/.test(path)) return Either.left(urlRule)
  const db = path === "" ? 0 : Number(path)

  const username = decode(url.username)
  const password = decode(url.password)
  if (username === undefined || password === undefined) return Either.left(urlRule)

  return Either.right({
    _tag: "Standalone",
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    tls: url.protocol === "rediss:",
    db,
    username: username === "" ? undefined : username,
    password: password === "" ? undefined : Redacted.make(password)
  })
}

/** Scheme, optional user info before the last `@`, and the node list; a trailing `/` is allowed. */
const clusterUrlPattern = /^(rediss?):\/\/(?:(.*)@)?([^@/?#]+)\/?$/

/** Parses one `host:port` entry of a cluster URL with the URL parser, so IPv6 needs brackets. */
const parseNode = (scheme: string, entry: string): ClusterNode | undefined => {
  let url: URL
  try {
    url = new URL(`${scheme}://${entry}`)
  } catch {
    return undefined
  }
  if (url.hostname === "" || url.host !== entry.toLowerCase()) return undefined

  const port = url.port === "" ? 6379 : Number(url.port)
  if (port < 1) return undefined

  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port }
}

/**
 * Parses a Redis Cluster URL: one scheme and user info, then comma-separated seed nodes.
 * Cluster mode has only database 0, so a database number is rejected. A failure returns the
 * rule broken, never the URL, because the URL may hold a password.
 */
export const parseClusterUrl = (raw: string): Either.Either<ClusterTarget, string> => {
  const match = clusterUrlPattern.exec(raw)
  if (match === null) return Either.left(clusterUrlRule)
  const [, scheme = "", userInfo = "", nodeList = ""] = match

  const nodes: Array<ClusterNode> = []
  for (const entry of nodeList.split(",")) {
    const node = parseNode(scheme, entry.trim())
    if (node === undefined) return Either.left(clusterUrlRule)
    nodes.push(node)
  }

  const separator = userInfo.indexOf(":")
  const username = decode(separator < 0 ? userInfo : userInfo.slice(0, separator))
  const password = decode(separator < 0 ? "" : userInfo.slice(separator + 1))
  if (username === undefined || password === undefined) return Either.left(clusterUrlRule)

  return Either.right({
    _tag: "Cluster",
    nodes,
    tls: scheme === "rediss",
    username: username === "" ? undefined : username,
    password: password === "" ? undefined : Redacted.make(password)
  })
}
