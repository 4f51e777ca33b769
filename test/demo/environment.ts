import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { normalizePrefix } from "../../adapters/s3/S3Settings.ts"
import type { ChildEnvironment } from "./serverProcess.ts"

/** Where the demo's servers keep their data and keys, and which stores the user's environment selects. */
export interface DemoEnvironment {
  /** Random hex that names this run's owner, S3 prefix and Redis key prefix. */
  readonly runId: string
  readonly dataDirectory: string
  /** The environment of every child process: the user's, with the demo's directories and prefixes. */
  readonly env: ChildEnvironment
  readonly redis: boolean
  readonly s3: boolean
  /** One line per tier and key source, for the demo's header. */
  readonly description: ReadonlyArray<string>
}

/**
 * Variables that make the server verify tokens from an identity provider. The demo issues
 * its own tokens with `claim-drafts token`, which only the embedded verifier accepts.
 */
const identityProviderVariables = ["CLAIM_DRAFTS_JWKS_URL", "CLAIM_DRAFTS_JWKS_FILE"] as const

const isSet = (name: string): boolean => process.env[name] !== undefined

const describeKeys = (configHome: string): string => {
  if (isSet("CLAIM_DRAFTS_KMS_KEY_ID")) return "keys: AWS KMS (CLAIM_DRAFTS_KMS_KEY_ID)"
  if (isSet("CLAIM_DRAFTS_LOCAL_KEYS")) return "keys: local keyring from CLAIM_DRAFTS_LOCAL_KEYS"
  if (isSet("CLAIM_DRAFTS_KEY_FILE")) return "keys: key file named by CLAIM_DRAFTS_KEY_FILE"
  return `keys: development key file created in ${join(configHome, "claim-drafts")}`
}

/**
 * Creates a temporary directory holding the data directory and the configuration home, so
 * the development key file never lands in the user's ~/.config. With S3 or Redis configured
 * the run writes under its own prefix, which the cleanup deletes. The scope removes the
 * directory on every path.
 */
export const makeEnvironment: Effect.Effect<DemoEnvironment, never, Scope.Scope> = Effect.gen(function* () {
  const root = yield* Effect.acquireRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-demo-"))),
    (directory) => Effect.promise(() => rm(directory, { recursive: true, force: true }))
  )
  const runId = randomBytes(4).toString("hex")
  const dataDirectory = join(root, "data")
  const configHome = join(root, "config")
  const redis = isSet("REDIS_URL")
  const s3 = isSet("CLAIM_DRAFTS_S3_BUCKET")

  const env: Record<string, string | undefined> = {
    ...process.env,
    CLAIM_DRAFTS_DATA_DIR: dataDirectory,
    XDG_CONFIG_HOME: configHome
  }
  for (const name of identityProviderVariables) delete env[name]
  if (s3) env.CLAIM_DRAFTS_S3_PREFIX = `${normalizePrefix(process.env.CLAIM_DRAFTS_S3_PREFIX)}claim-drafts-demo-${runId}`
  if (redis) env.REDIS_KEY_PREFIX = `cd-demo-${runId}`

  const description = [
    redis ? `hot tier: Redis (REDIS_URL), keys prefixed ${env.REDIS_KEY_PREFIX}` : "hot tier: in-memory",
    s3
      ? `durable tier: S3 bucket ${process.env.CLAIM_DRAFTS_S3_BUCKET}, prefix ${env.CLAIM_DRAFTS_S3_PREFIX}/`
      : `durable tier: data directory ${dataDirectory}`,
    describeKeys(configHome),
    ...identityProviderVariables.filter(isSet).map((name) => `${name} ignored: the demo issues its own tokens`)
  ]

  return { runId, dataDirectory, env, redis, s3, description }
})
