import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { conditionalCreateEnforced, probeConditionalWrites } from "../adapters/s3/probeConditionalWrites.ts"
import { clientConfig } from "../adapters/s3/s3Client.ts"
import { expirationDaysFor, setupBucket } from "../adapters/s3/setup.ts"
import { isSetupComplete, renderSetupReport } from "../adapters/s3/setupReport.ts"
import { fakeCredentials, startS3Server } from "./support/s3Server.ts"
import { s3ErrorBody, startScriptedHttpServer } from "./support/scriptedHttpServer.ts"

/** A client configured like the store's, aimed at a scripted loopback server. */
const scriptedClient = (endpoint: string) =>
  Effect.acquireRelease(
    Effect.sync(
      () => new S3Client(clientConfig({ bucket: "scripted", region: "us-east-1", endpoint, credentials: fakeCredentials }))
    ),
    (client) => Effect.sync(() => client.destroy())
  )

describe("probeConditionalWrites", () => {
  it.scoped("s3rver ignores conditional writes", () =>
    Effect.gen(function* () {
      const server = yield* startS3Server()
      const client = server.makeClient()

      const probe = yield* probeConditionalWrites(client, { bucket: server.bucket, prefix: "drafts" })
      const left = yield* Effect.promise(() => client.send(new ListObjectsV2Command({ Bucket: server.bucket })))

      expect(probe).toEqual({ ifNoneMatch: "ignored", ifMatch: "ignored" })
      expect(conditionalCreateEnforced(probe)).toBe(false)
      expect(left.Contents ?? []).toEqual([])
    }))

  it.scoped("412 answers count as enforced", () =>
    Effect.gen(function* () {
      const rejected = {
        status: 412,
        body: s3ErrorBody("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
      }
      const scripted = yield* startScriptedHttpServer(
        [{ status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"' } }, rejected, rejected],
        { status: 204 }
      )
      const client = yield* scriptedClient(scripted.endpoint)

      const probe = yield* probeConditionalWrites(client, { bucket: "scripted" })

      expect(probe).toEqual({ ifNoneMatch: "enforced", ifMatch: "enforced" })
      expect(conditionalCreateEnforced(probe)).toBe(true)
      expect(scripted.requests.map((request) => request.split(" ")[0])).toEqual(["PUT", "PUT", "PUT", "DELETE"])
    }))
})

describe("setupBucket", () => {
  it.scoped("s3rver lacks three protections", () =>
    Effect.gen(function* () {
      const server = yield* startS3Server()
      const client = server.makeClient()
      const options = { bucket: "claim-drafts-setup", region: "us-east-1", prefix: "drafts", expirationDays: 9 }

      const first = yield* setupBucket(client, options)
      const second = yield* setupBucket(client, options)

      expect(first.bucketCreated).toBe(true)
      expect(second.bucketCreated).toBe(false)
      expect(first.applied).toEqual([])
      expect(first.missing.map((missing) => missing.protection)).toEqual([
        "public-access-block",
        "lifecycle-expiration",
        "abort-incomplete-multipart-uploads"
      ])
      expect(first.conditionalWrites).toEqual({ ifNoneMatch: "ignored", ifMatch: "ignored" })
      expect(isSetupComplete(first)).toBe(false)
    }))

  it.scoped("report renders one line per finding", () =>
    Effect.gen(function* () {
      const server = yield* startS3Server()
      const report = yield* setupBucket(server.makeClient(), {
        bucket: server.bucket,
        region: "us-east-1",
        expirationDays: 9
      })

      const lines = renderSetupReport(report)

      expect(lines[0]).toBe(`Bucket ${server.bucket}: already existed.`)
      expect(lines.filter((line) => line.startsWith("Missing: "))).toHaveLength(3)
      expect(lines.some((line) => line.includes("expire 9 days after they are written"))).toBe(true)
      expect(lines.at(-1)).toContain("NOT enforced")
    }))

  it.scoped("access denied stops setup", () =>
    Effect.gen(function* () {
      const scripted = yield* startScriptedHttpServer([], { status: 403 })
      const client = yield* scriptedClient(scripted.endpoint)

      const failure = yield* Effect.flip(setupBucket(client, { bucket: "scripted", region: "us-east-1", expirationDays: 9 }))

      expect(failure._tag).toBe("BucketSetupFailed")
      expect(failure.message).toContain("HeadBucket")
      expect(failure.message).toContain("s3:ListBucket")
    }))

  it.scoped("unreachable store is StoreUnavailable", () =>
    Effect.gen(function* () {
      const server = yield* startS3Server()
      yield* server.stop

      const failure = yield* Effect.flip(
        setupBucket(server.makeClient(), { bucket: server.bucket, region: "us-east-1", expirationDays: 9 })
      )

      expect(failure._tag).toBe("StoreUnavailable")
    }))

  it("expiration covers the longest readable time", () => {
    const days = expirationDaysFor({
      idleRetention: Duration.days(7),
      maxAge: Duration.days(30),
      submitGrace: Duration.hours(1)
    })
    const shortMaxAge = expirationDaysFor({
      idleRetention: Duration.days(7),
      maxAge: Duration.days(3),
      submitGrace: Duration.hours(1)
    })
    const longGrace = expirationDaysFor(
      { idleRetention: Duration.days(7), maxAge: Duration.days(30), submitGrace: Duration.hours(7 * 24 + 1) },
      2
    )

    expect(days).toBe(8)
    expect(shortMaxAge).toBe(4)
    expect(longGrace).toBe(10)
  })
})
