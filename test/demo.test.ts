import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { ListObjectsV2Command } from "@aws-sdk/client-s3"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { findNeedles, needlesOf, scanDirectory } from "./demo/plaintext.ts"
import { sampleClaim } from "./support/claims/index.ts"
import { startKmsServer } from "./support/kmsServer.ts"
import { type RedisServer, startRedisServer } from "./support/redisServer.ts"
import { fakeCredentials, startS3Server, type S3TestServer } from "./support/s3Server.ts"

const repositoryRoot = resolve(import.meta.dirname, "..")

/** Each run starts two servers and the CLI; on a loaded two-core machine that took 75 seconds. */
const demoTimeoutMillis = 300_000

interface DemoRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `npm run demo` as a user types it. The environment is built from scratch, so no Redis,
 * S3 or KMS variable of the machine reaches the demo, and the AWS SDK never probes instance
 * metadata. A run that hangs gets SIGINT, which makes the demo clean up and exit.
 */
const runDemo = (home: string, extra: Readonly<Record<string, string>> = {}): Promise<DemoRun> =>
  new Promise((resolvePromise, reject) => {
    const env = {
      PATH: "/usr/bin:/bin",
      HOME: home,
      AWS_EC2_METADATA_DISABLED: "true",
      NO_COLOR: "1",
      // npm would otherwise print an update notice on standard error.
      npm_config_update_notifier: "false",
      ...extra
    }
    const child = spawn("npm", ["run", "--silent", "demo"], {
      cwd: repositoryRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: demoTimeoutMillis,
      killSignal: "SIGINT"
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }))
  })

/** Returns the temporary directory the demo announced, the parent of its data directory. */
const demoDirectoryOf = (stdout: string): string => {
  const dataDirectory = /data directory (\S+)/.exec(stdout)?.[1]
  if (dataDirectory === undefined) throw new Error("the demo output names no data directory")
  return dirname(dataDirectory)
}

let home = ""

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "claim-drafts-demo-home-"))
})

afterAll(async () => {
  await rm(home, { recursive: true, force: true })
})

describe("demo plaintext scan", () => {
  const claim = sampleClaim(14, 12)
  const { needles, missing } = needlesOf(claim)
  const allNames = ["the SSN", "the claimant's last name", "the email address", "the bank account number", "a comment marker"]

  it("needles cover every value of the demo claim", () => {
    expect(missing).toEqual([])
    expect(needles.map((needle) => needle.name)).toEqual(allNames)
  })

  it("needles are reported missing from a claim without them", () => {
    expect(needlesOf(sampleClaim(14, 1)).missing).toEqual(["the email address", "the bank account number", "a comment marker"])
  })

  it("scan finds every value in the serialized claim", () => {
    expect(findNeedles(Buffer.from(JSON.stringify(claim)), needles)).toEqual(allNames)
  })

  it("scan finds values escaped as JSON unicode", () => {
    const escaped = JSON.stringify(claim).replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`)
    expect(findNeedles(Buffer.from(escaped), needles)).toEqual(allNames)
  })

  it("scan finds the SSN without dashes", () => {
    expect(findNeedles(Buffer.from(`ssn=${claim.ssn?.replaceAll("-", "")};`), needles)).toEqual(["the SSN"])
  })

  it("scan finds nothing in unrelated bytes", () => {
    expect(findNeedles(randomBytes(64 * 1024), needles)).toEqual([])
  })

  it("directory scan names the file at any depth", async () => {
    const directory = await mkdtemp(join(tmpdir(), "claim-drafts-demo-scan-"))
    try {
      await mkdir(join(directory, "owner/draft"), { recursive: true })
      await writeFile(join(directory, "owner/draft/leak.rec"), `prefix ${claim.email} suffix`)
      await writeFile(join(directory, "clean.rec"), randomBytes(512))

      const result = await Effect.runPromise(scanDirectory(directory, needles))
      expect(result.files).toBe(2)
      expect(result.findings).toEqual([{ location: join("owner", "draft", "leak.rec"), needle: "the email address" }])
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it("directory scan counts no files in a missing directory", async () => {
    const result = await Effect.runPromise(scanDirectory(join(tmpdir(), `claim-drafts-absent-${Date.now()}`), needles))
    expect(result).toEqual({ files: 0, findings: [] })
  })
})

describe("npm run demo", () => {
  it(
    "embedded default: passes and finds no plaintext",
    async () => {
      const run = await runDemo(home)

      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^no plaintext found in [1-9]\d* files? and 2 server logs$/m)
      expect(run.stdout).toMatch(/^tab B: PATCH page 8 union, old ETag +412 /m)
      expect(run.stdout).toMatch(/^POST submit again \(a retry\) +200 /m)
      expect(run.stdout).toMatch(/Persisted \d+ pending draft\(s\) before shutdown\./)
      expect(existsSync(demoDirectoryOf(run.stdout))).toBe(false)
    },
    demoTimeoutMillis + 10_000
  )
})

describe("npm run demo with Redis, S3 and KMS configured", () => {
  const scope = Effect.runSync(Scope.make())
  let redis: RedisServer
  let s3: S3TestServer
  let kms: Awaited<ReturnType<typeof startKmsServer>>

  beforeAll(async () => {
    redis = await startRedisServer()
    s3 = await Effect.runPromise(Scope.extend(startS3Server({ bucket: "claim-drafts-demo-test" }), scope))
    kms = await startKmsServer()
  })

  afterAll(async () => {
    await kms?.close()
    await redis?.stop()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it(
    "scans and deletes what the run wrote",
    async () => {
      const key = kms.createKey({ description: "claim-drafts demo test" })
      const run = await runDemo(home, {
        REDIS_URL: redis.url,
        CLAIM_DRAFTS_S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        CLAIM_DRAFTS_KMS_KEY_ID: key.arn,
        KMS_ENDPOINT: kms.endpoint,
        AWS_REGION: kms.region,
        AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: fakeCredentials.secretAccessKey,
        CLAIM_DRAFTS_STORAGE_SECRET: randomBytes(32).toString("base64"),
        CLAIM_DRAFTS_TOKEN_SECRET: randomBytes(32).toString("base64")
      })

      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("hot tier: Redis")
      expect(run.stdout).toContain(`durable tier: S3 bucket ${s3.bucket}`)
      expect(run.stdout).toContain("keys: AWS KMS")
      expect(run.stdout).toMatch(/^no plaintext found in \d+ files?, [1-9]\d* S3 objects?, [1-9]\d* Redis keys? and 2 server logs$/m)
      expect(kms.count("GenerateDataKey")).toBeGreaterThan(0)

      const client = s3.makeClient()
      const listing = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))
      client.destroy()
      expect(listing.KeyCount ?? 0).toBe(0)

      const inspector = redis.client()
      const keys = await inspector.dbsize()
      inspector.disconnect()
      expect(keys).toBe(0)
    },
    demoTimeoutMillis + 10_000
  )
})
