import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fakeCredentials, type S3TestServer, startS3Server } from "../support/s3Server.ts"
import { type CliWorkspace, makeWorkspace, runNode } from "./cliHarness.ts"
import { resolve } from "node:path"

const slow = { timeout: 600_000 }
const cliMain = resolve(import.meta.dirname, "../../adapters/cli/main.ts")

describe("claim-drafts setup", () => {
  let workspace: CliWorkspace
  let server: S3TestServer
  const scope = Effect.runSync(Scope.make())

  beforeAll(async () => {
    workspace = await makeWorkspace()
    server = await Effect.runPromise(Scope.extend(startS3Server({ bucket: "cli-setup-existing" }), scope))
  }, 120_000)
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await workspace.dispose()
  })

  /** The workspace's environment aimed at the loopback s3rver, with its fake static credentials. */
  const s3Env = (bucket: string) => ({
    ...workspace.env,
    CLAIM_DRAFTS_S3_BUCKET: bucket,
    S3_ENDPOINT: server.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fakeCredentials.secretAccessKey
  })

  it("missing protections exit 8", slow, async () => {
    const result = await runNode([cliMain, "setup"], s3Env("cli-setup-new"))
    expect(result.code).toBe(8)
    expect(result.stdout).toContain("Bucket cli-setup-new: created.")
    expect(result.stdout).toContain("Missing: ")
    expect(result.stdout).toContain("Key service: local keyring")
    expect(result.stderr).toContain("claim-drafts: Setup is incomplete:")
    expect(result.stderr).toContain("--accept-missing")
  })

  it("--accept-missing exits 0 and lists them", slow, async () => {
    const result = await runNode([cliMain, "setup", "--accept-missing"], s3Env("cli-setup-existing"))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("Bucket cli-setup-existing: already existed.")
    expect(result.stdout).toContain("accepted by --accept-missing")
  })

  it("embedded default has nothing to set up", slow, async () => {
    const result = await workspace.run(["setup"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("there is no bucket to set up")
    expect(result.stdout).toContain("a data key was generated and unwrapped under key test-kek-1")
    expect(result.stdout).toContain("Setup is complete.")
  })

  it("data commands run on S3", slow, async () => {
    const env = s3Env("cli-setup-existing")
    const draftId = crypto.randomUUID()
    const marker = "MARKER-s3-5f1d-0c77"
    const created = await runNode([cliMain, "put", "--owner", "o-s3", draftId, "--create"], env, `{"on":"${marker}"}`)
    expect(created.stderr).not.toContain("claim-drafts:")
    expect(created.code).toBe(0)

    const loaded = await runNode([cliMain, "get", "--owner", "o-s3", draftId], env)
    expect(loaded.code).toBe(0)
    expect(loaded.stdout).toBe(`{"on":"${marker}"}`)
    expect(loaded.stderr).toContain("tier: durable")

    const inspected = await runNode([cliMain, "inspect", "--json"], env)
    expect(inspected.code).toBe(0)
    expect(inspected.stdout).toContain('"status":"live"')
    expect(inspected.stdout).not.toContain(marker)
  })
})
