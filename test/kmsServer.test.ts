import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startKmsServer, type KmsTestServer, type TestKmsKey } from "./support/kmsServer.ts"

// Explicit loopback endpoint and static credentials below; nothing may probe instance metadata.
process.env.AWS_EC2_METADATA_DISABLED = "true"

let server: KmsTestServer
let key: TestKmsKey
let client: KMSClient

beforeAll(async () => {
  server = await startKmsServer()
  key = server.createKey({ alias: "server-test", description: "test key" })
  client = new KMSClient({
    region: server.region,
    endpoint: server.endpoint,
    credentials: { accessKeyId: "AKIDCLAIMDRAFTSTEST", secretAccessKey: "claim-drafts-test-secret" },
    maxAttempts: 1
  })
})

afterAll(async () => {
  client.destroy()
  await server.close()
})

const plaintext = new TextEncoder().encode("test payload")

const post = (headers: Record<string, string>, body: string) =>
  fetch(`${server.endpoint}/`, { method: "POST", headers, body }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as Record<string, unknown>
  }))

describe("test KMS server", () => {
  it("listens on loopback", () => {
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`)
  })

  it("key ARN has the KMS form", () => {
    expect(key.arn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${key.keyId}`)
  })

  it("encrypts and decrypts through the SDK", async () => {
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: "alias/server-test", Plaintext: plaintext, EncryptionContext: { purpose: "test" } })
    )
    expect(encrypted.KeyId).toBe(key.arn)

    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { purpose: "test" } })
    )
    expect(decrypted.KeyId).toBe(key.arn)
    expect(Buffer.from(decrypted.Plaintext!).toString("utf8")).toBe("test payload")
  })

  it("rejects a wrong encryption context", async () => {
    const encrypted = await client.send(new EncryptCommand({ KeyId: key.arn, Plaintext: plaintext, EncryptionContext: { a: "1" } }))
    const decrypt = client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { a: "2" } }))
    await expect(decrypt).rejects.toMatchObject({ name: "InvalidCiphertextException" })
  })

  it("rejects a tampered blob", async () => {
    const encrypted = await client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: plaintext }))
    const blob = new Uint8Array(encrypted.CiphertextBlob!)
    blob[blob.length - 20] = blob[blob.length - 20]! ^ 1

    await expect(client.send(new DecryptCommand({ CiphertextBlob: blob }))).rejects.toMatchObject({
      name: "InvalidCiphertextException"
    })
  })

  it("rejects a blob decrypted under another key", async () => {
    const other = server.createKey()
    const encrypted = await client.send(new EncryptCommand({ KeyId: key.arn, Plaintext: plaintext }))
    const decrypt = client.send(new DecryptCommand({ KeyId: other.arn, CiphertextBlob: encrypted.CiphertextBlob }))
    await expect(decrypt).rejects.toMatchObject({ name: "IncorrectKeyException" })
  })

  it("describes a key by alias", async () => {
    const described = await client.send(new DescribeKeyCommand({ KeyId: "alias/server-test" }))
    expect(described.KeyMetadata).toMatchObject({ KeyId: key.keyId, Arn: key.arn, Enabled: true, KeyState: "Enabled" })
  })

  it("reports an unknown key as not found", async () => {
    const describe = client.send(new DescribeKeyCommand({ KeyId: "alias/none" }))
    await expect(describe).rejects.toMatchObject({ name: "NotFoundException" })
  })

  it("requires an Authorization header", async () => {
    const response = await post(
      { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.DescribeKey" },
      JSON.stringify({ KeyId: key.arn })
    )
    expect(response.status).toBe(400)
    expect(response.body.__type).toBe("MissingAuthenticationTokenException")
  })

  it("accepts any Authorization header", async () => {
    const response = await post(
      { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.DescribeKey", authorization: "test" },
      JSON.stringify({ KeyId: key.arn })
    )
    expect(response.status).toBe(200)
  })

  it("rejects an unknown operation", async () => {
    const response = await post({ "x-amz-target": "TrentService.ScheduleKeyDeletion", authorization: "test" }, "{}")
    expect(response.body.__type).toBe("UnknownOperationException")
  })

  it("throttles and fails on request, counting each call", async () => {
    server.resetCounts()
    server.throttleNext(1)
    server.failNext(1)
    const describe = () => client.send(new DescribeKeyCommand({ KeyId: key.arn }))

    await expect(describe()).rejects.toMatchObject({ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } })
    await expect(describe()).rejects.toMatchObject({ name: "KMSInternalException", $metadata: { httpStatusCode: 500 } })
    await expect(describe()).resolves.toMatchObject({ KeyMetadata: { Arn: key.arn } })
    expect(server.count("DescribeKey")).toBe(3)
  })

  it("stops and restarts on the same port", async () => {
    await server.stop()
    const describe = () => client.send(new DescribeKeyCommand({ KeyId: key.arn }))

    // The first call may still pick the client's pooled connection, which the stop closed,
    // and fail with "socket hang up"; the next one finds no listener.
    await expect(describe()).rejects.not.toHaveProperty("$metadata.httpStatusCode")
    await expect(describe()).rejects.toMatchObject({ code: "ECONNREFUSED" })

    await server.restart()
    await expect(describe()).resolves.toMatchObject({ KeyMetadata: { Arn: key.arn } })
  })
})
