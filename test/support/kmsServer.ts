import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

/**
 * A KMS stand-in for tests: an HTTP server on 127.0.0.1 speaking the AWS JSON 1.1 protocol
 * for GenerateDataKey, Decrypt, Encrypt and DescribeKey, close enough for the real
 * @aws-sdk/client-kms. It checks that an Authorization header is present but does not
 * verify SigV4 signatures. Production always talks to AWS KMS.
 *
 * Ciphertext blobs are version (1 byte) || key ARN length (1 byte) || key ARN || iv (12) ||
 * ciphertext || tag (16), AES-256-GCM with the key ARN and the encryption context as
 * additional data. So a blob records its key, a wrong context fails as
 * InvalidCiphertextException, and any changed byte is detected.
 */

export interface TestKmsKey {
  readonly keyId: string
  readonly arn: string
}

export interface RecordedKmsRequest {
  readonly operation: string
  readonly body: Readonly<Record<string, unknown>>
}

export interface KmsTestServer {
  readonly region: string
  readonly port: number
  /** http://127.0.0.1:<port>, for the client's `endpoint`. */
  readonly endpoint: string
  readonly createKey: (options?: { readonly alias?: string; readonly description?: string }) => TestKmsKey
  /** Makes every later use of the key fail with DisabledException, as KMS does for a disabled key. */
  readonly disableKey: (keyId: string) => void
  /** Requests received per operation, counting throttled and failed ones. */
  readonly count: (operation: string) => number
  readonly requests: ReadonlyArray<RecordedKmsRequest>
  readonly resetCounts: () => void
  /** Fails the next `n` requests with 400 ThrottlingException. */
  readonly throttleNext: (n: number) => void
  /** Fails the next `n` requests with 500 KMSInternalException. */
  readonly failNext: (n: number) => void
  /** Passes the next successful response body of `operation` through `rewrite` before sending it. */
  readonly rewriteNext: (operation: string, rewrite: (body: Record<string, unknown>) => Record<string, unknown>) => void
  /** Stops listening and drops open connections, so clients get ECONNREFUSED. */
  readonly stop: () => Promise<void>
  /** Listens again on the same port. */
  readonly restart: () => Promise<void>
  readonly close: () => Promise<void>
}

interface StoredKey {
  readonly keyId: string
  readonly arn: string
  readonly material: Buffer
  readonly description: string
  readonly createdAt: number
  enabled: boolean
}

class KmsError extends Error {
  readonly status: number
  readonly type: string

  constructor(status: number, type: string, message: string) {
    super(message)
    this.status = status
    this.type = type
  }
}

const blobVersion = 1

const compareCodeUnits = (a: string, b: string): number => {
  if (a === b) return 0
  return a < b ? -1 : 1
}

const canonicalContext = (context: unknown): string => {
  if (context === undefined || context === null) return "{}"
  if (typeof context !== "object" || Array.isArray(context)) {
    throw new KmsError(400, "ValidationException", "EncryptionContext must be a map of strings")
  }

  const entries = Object.entries(context as Record<string, unknown>)
  entries.sort(([a], [b]) => compareCodeUnits(a, b))
  for (const [, value] of entries) {
    if (typeof value !== "string") throw new KmsError(400, "ValidationException", "EncryptionContext values must be strings")
  }
  return JSON.stringify(entries)
}

const additionalData = (arn: string, context: unknown): Buffer =>
  Buffer.from(`${arn}\u0000${canonicalContext(context)}`, "utf8")

const decodeBlob = (value: unknown, field: string): Buffer => {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new KmsError(400, "ValidationException", `${field} must be base64`)
  }
  return Buffer.from(value, "base64")
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

export const startKmsServer = async (
  options: { readonly region?: string; readonly account?: string } = {}
): Promise<KmsTestServer> => {
  const region = options.region ?? "us-east-1"
  const account = options.account ?? "111122223333"
  const keys = new Map<string, StoredKey>()
  const aliases = new Map<string, string>()
  const counts = new Map<string, number>()
  const requests: Array<RecordedKmsRequest> = []
  const rewrites = new Map<string, (body: Record<string, unknown>) => Record<string, unknown>>()
  let throttled = 0
  let failing = 0

  /** Resolves a key id, key ARN, alias name or alias ARN to a stored key. */
  const resolveKey = (value: unknown): StoredKey => {
    if (typeof value !== "string" || value === "") throw new KmsError(400, "ValidationException", "KeyId is required")

    const aliasName = value.startsWith("alias/") ? value : /^arn:aws:kms:[^:]+:\d{12}:(alias\/.+)$/.exec(value)?.[1]
    const keyId = aliasName !== undefined ? aliases.get(aliasName) : /^arn:aws:kms:[^:]+:\d{12}:key\/(.+)$/.exec(value)?.[1] ?? value
    const key = keyId === undefined ? undefined : keys.get(keyId)
    if (key === undefined || (value.startsWith("arn:") && aliasName === undefined && value !== key.arn)) {
      throw new KmsError(400, "NotFoundException", `Key '${value}' does not exist`)
    }
    return key
  }

  const usableKey = (value: unknown): StoredKey => {
    const key = resolveKey(value)
    if (!key.enabled) throw new KmsError(400, "DisabledException", `${key.arn} is disabled.`)
    return key
  }

  const encrypt = (key: StoredKey, plaintext: Buffer, context: unknown): Buffer => {
    const iv = randomBytes(12)
    const cipher = createCipheriv("aes-256-gcm", key.material, iv)
    cipher.setAAD(additionalData(key.arn, context))
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    const arn = Buffer.from(key.arn, "utf8")
    return Buffer.concat([Buffer.from([blobVersion, arn.length]), arn, iv, ciphertext, cipher.getAuthTag()])
  }

  const decrypt = (blob: Buffer, requestedKeyId: unknown, context: unknown): { key: StoredKey; plaintext: Buffer } => {
    const invalid = () => new KmsError(400, "InvalidCiphertextException", "")
    if (blob.length < 2 || blob[0] !== blobVersion) throw invalid()

    const arnLength = blob[1]!
    const ivOffset = 2 + arnLength
    if (blob.length < ivOffset + 12 + 16) throw invalid()

    const key = keys.get(/key\/(.+)$/.exec(blob.subarray(2, ivOffset).toString("utf8"))?.[1] ?? "")
    if (key === undefined || key.arn !== blob.subarray(2, ivOffset).toString("utf8")) throw invalid()
    if (requestedKeyId !== undefined && resolveKey(requestedKeyId) !== key) {
      throw new KmsError(400, "IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation.")
    }
    if (!key.enabled) throw new KmsError(400, "DisabledException", `${key.arn} is disabled.`)

    const decipher = createDecipheriv("aes-256-gcm", key.material, blob.subarray(ivOffset, ivOffset + 12))
    decipher.setAAD(additionalData(key.arn, context))
    decipher.setAuthTag(blob.subarray(blob.length - 16))
    try {
      const plaintext = Buffer.concat([decipher.update(blob.subarray(ivOffset + 12, blob.length - 16)), decipher.final()])
      return { key, plaintext }
    } catch {
      throw invalid()
    }
  }

  const dataKeyLength = (body: Record<string, unknown>): number => {
    if (body.KeySpec === "AES_256") return 32
    if (body.KeySpec === "AES_128") return 16
    if (typeof body.NumberOfBytes === "number" && body.NumberOfBytes >= 1 && body.NumberOfBytes <= 1024) {
      return body.NumberOfBytes
    }
    throw new KmsError(400, "ValidationException", "KeySpec or NumberOfBytes is required")
  }

  const operations: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    GenerateDataKey: (body) => {
      const key = usableKey(body.KeyId)
      const plaintext = randomBytes(dataKeyLength(body))
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString("base64"),
        CiphertextBlob: encrypt(key, plaintext, body.EncryptionContext).toString("base64")
      }
    },

    Encrypt: (body) => {
      const key = usableKey(body.KeyId)
      const plaintext = decodeBlob(body.Plaintext, "Plaintext")
      if (plaintext.length === 0 || plaintext.length > 4096) {
        throw new KmsError(400, "ValidationException", "Plaintext must be 1 to 4096 bytes")
      }
      return {
        KeyId: key.arn,
        CiphertextBlob: encrypt(key, plaintext, body.EncryptionContext).toString("base64"),
        EncryptionAlgorithm: "SYMMETRIC_DEFAULT"
      }
    },

    Decrypt: (body) => {
      const { key, plaintext } = decrypt(decodeBlob(body.CiphertextBlob, "CiphertextBlob"), body.KeyId, body.EncryptionContext)
      return { KeyId: key.arn, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }
    },

    DescribeKey: (body) => {
      const key = resolveKey(body.KeyId)
      return {
        KeyMetadata: {
          AWSAccountId: account,
          KeyId: key.keyId,
          Arn: key.arn,
          CreationDate: key.createdAt,
          Enabled: key.enabled,
          Description: key.description,
          KeyUsage: "ENCRYPT_DECRYPT",
          KeyState: key.enabled ? "Enabled" : "Disabled",
          Origin: "AWS_KMS",
          KeyManager: "CUSTOMER",
          KeySpec: "SYMMETRIC_DEFAULT",
          CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
          EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
          MultiRegion: false
        }
      }
    }
  }

  const respond = (response: ServerResponse, status: number, body: Record<string, unknown>) => {
    const text = JSON.stringify(body)
    response.writeHead(status, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": Buffer.byteLength(text),
      "x-amzn-requestid": randomUUID()
    })
    response.end(text)
  }

  const fail = (response: ServerResponse, error: KmsError) =>
    respond(response, error.status, { __type: error.type, message: error.message })

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(request)
    const target = request.headers["x-amz-target"]
    const operation = typeof target === "string" && target.startsWith("TrentService.") ? target.slice(13) : undefined
    const handler = operation === undefined ? undefined : operations[operation]

    if (request.method !== "POST" || operation === undefined || handler === undefined) {
      return fail(response, new KmsError(400, "UnknownOperationException", ""))
    }
    counts.set(operation, (counts.get(operation) ?? 0) + 1)

    if (request.headers.authorization === undefined) {
      return fail(response, new KmsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token"))
    }
    if (request.headers["content-type"] !== "application/x-amz-json-1.1") {
      return fail(response, new KmsError(400, "SerializationException", "content-type must be application/x-amz-json-1.1"))
    }

    let body: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object")
      body = parsed as Record<string, unknown>
    } catch {
      return fail(response, new KmsError(400, "SerializationException", "the body is not a JSON object"))
    }
    requests.push({ operation, body })

    if (throttled > 0) {
      throttled -= 1
      return fail(response, new KmsError(400, "ThrottlingException", "Rate exceeded"))
    }
    if (failing > 0) {
      failing -= 1
      return fail(response, new KmsError(500, "KMSInternalException", "An internal error occurred"))
    }

    try {
      const result = handler(body)
      const rewrite = rewrites.get(operation)
      rewrites.delete(operation)
      return respond(response, 200, rewrite === undefined ? result : rewrite(result))
    } catch (error) {
      if (error instanceof KmsError) return fail(response, error)
      return fail(response, new KmsError(500, "KMSInternalException", String(error)))
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject)
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject)
        resolve((server.address() as AddressInfo).port)
      })
    })

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      server.closeAllConnections()
    })

  const port = await listen(0)

  return {
    region,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    createKey: (keyOptions = {}) => {
      const keyId = randomUUID()
      const arn = `arn:aws:kms:${region}:${account}:key/${keyId}`
      keys.set(keyId, {
        keyId,
        arn,
        material: randomBytes(32),
        description: keyOptions.description ?? "",
        createdAt: Date.now() / 1000,
        enabled: true
      })
      if (keyOptions.alias !== undefined) aliases.set(`alias/${keyOptions.alias}`, keyId)
      return { keyId, arn }
    },
    disableKey: (keyId) => {
      const key = keys.get(keyId)
      if (key === undefined) throw new Error(`no test key ${keyId}`)
      key.enabled = false
    },
    count: (operation) => counts.get(operation) ?? 0,
    requests,
    resetCounts: () => {
      counts.clear()
      requests.length = 0
    },
    throttleNext: (n) => {
      throttled = n
    },
    failNext: (n) => {
      failing = n
    },
    rewriteNext: (operation, rewrite) => {
      rewrites.set(operation, rewrite)
    },
    stop,
    restart: () => listen(port).then(() => undefined),
    close: stop
  }
}

/** A test KMS server that closes with the scope. */
export const kmsServer: Effect.Effect<KmsTestServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => startKmsServer()),
  (server) => Effect.promise(() => server.close())
)
