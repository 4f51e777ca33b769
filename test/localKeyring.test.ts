import { execFile } from "node:child_process"
import { createCipheriv, randomBytes } from "node:crypto"
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer, Logger, Option, Redacted } from "effect"
import * as KeyServices from "../adapters/keyServices.ts"
import { createDevelopmentKeyFile } from "../adapters/keyring/keyFile.ts"
import * as LocalKeyring from "../adapters/keyring/LocalKeyring.ts"
import { wrappedKeyBytes } from "../adapters/keyring/keyWrap.ts"
import { KeyProvider } from "../programs/ports/KeyProvider.ts"
import { Secrets } from "../programs/ports/Secrets.ts"
import { type ContractKey, keyProviderContract } from "./contracts/keyProviderContract.ts"

const keyA = randomBytes(32)
const keyB = randomBytes(32)
const kekOf = (key: ContractKey) => ({ id: `kek-${key}`, key: new Uint8Array(key === "A" ? keyA : keyB) })

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

const temporaryDirectory = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-keyring-"))),
  (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
)

interface LogEntry {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
}

/** Builds a layer with `env` as the only configuration and collects what it logs. */
const buildWith = <A, E>(layer: Layer.Layer<A, E>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const logs: Array<LogEntry> = []
    const logger = Logger.make(({ annotations, logLevel, message }) => {
      logs.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message.join(" ") : String(message),
        annotations: Object.fromEntries(annotations)
      })
    })

    const context = yield* Layer.build(layer).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
    return { context, logs }
  })

const configError = <A, E>(layer: Layer.Layer<A, E>, env: Record<string, string>) =>
  Effect.flip(buildWith(layer, env))

const writeKeyFile = (path: string, contents: unknown, mode = 0o600) =>
  Effect.promise(async () => {
    await writeFile(path, JSON.stringify(contents), { mode })
    await chmod(path, mode)
  })

const keyFileContents = (keys: ReadonlyArray<{ id: string; key: Uint8Array }>) => ({
  version: 1,
  keys: keys.map(({ id, key }) => ({ id, key: base64(key) })),
  storageKeySecret: base64(randomBytes(32)),
  tokenSigningSecret: base64(randomBytes(32))
})

describe("LocalKeyring contract", () => {
  keyProviderContract({
    provider: (keys) => LocalKeyring.make(keys.map(kekOf)),
    keyIdOf: (key) => `kek-${key}`,
    unknownKeyId: "kek-unknown"
  })
})

describe("LocalKeyring", () => {
  it.effect("wrapped key is iv, ciphertext and tag", () =>
    Effect.gen(function*() {
      const provider = yield* LocalKeyring.make([kekOf("A")])
      const first = yield* provider.generateDataKey
      const second = yield* provider.generateDataKey

      expect(first.wrappedKey.length).toBe(wrappedKeyBytes)
      expect(wrappedKeyBytes).toBe(12 + 32 + 16)
      expect(Buffer.from(first.wrappedKey.subarray(0, 12)).equals(Buffer.from(second.wrappedKey.subarray(0, 12)))).toBe(false)
    }))

  it.effect("key id is bound as additional data", () =>
    Effect.gen(function*() {
      const provider = yield* LocalKeyring.make([kekOf("A"), { id: "kek-A-copy", key: new Uint8Array(keyA) }])
      const { wrappedKey } = yield* provider.generateDataKey

      const error = yield* Effect.flip(provider.unwrapDataKey({ keyId: "kek-A-copy", wrappedKey }))
      expect(error._tag).toBe("IntegrityFailure")
    }))

  it.effect("purpose label is bound as additional data", () =>
    Effect.gen(function*() {
      const provider = yield* LocalKeyring.make([kekOf("A")])
      const iv = randomBytes(12)
      const cipher = createCipheriv("aes-256-gcm", keyA, iv)
      const ciphertext = Buffer.concat([cipher.update(randomBytes(32)), cipher.final()])
      const unlabelled = Buffer.concat([iv, ciphertext, cipher.getAuthTag()])

      const error = yield* Effect.flip(provider.unwrapDataKey({ keyId: "kek-A", wrappedKey: unlabelled }))
      expect(error._tag).toBe("IntegrityFailure")
    }))

  it.effect("make rejects an empty key list", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(LocalKeyring.make([]))
      expect(error._tag).toBe("KeyConfigError")
      expect(error.message).toContain("at least one key")
    }))

  it.effect("make rejects repeated key ids", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(LocalKeyring.make([kekOf("A"), { id: "kek-A", key: new Uint8Array(keyB) }]))
      expect(error.message).toContain("kek-A is listed twice")
    }))

  it.effect("make rejects a key of the wrong length", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(LocalKeyring.make([{ id: "short", key: new Uint8Array(16) }]))
      expect(exit._tag).toBe("Failure")
    }))

  it.effect("layer leaves the caller's key bytes intact", () =>
    Effect.gen(function*() {
      const key = new Uint8Array(keyA)
      const material = {
        keys: [{ id: "kek-A", key }],
        secrets: { storageKeySecret: Redacted.make(new Uint8Array(32).fill(1)), tokenSigningSecret: Option.none() },
        development: false
      }

      const first = Context.get(yield* Layer.build(LocalKeyring.layer(material)), KeyProvider)
      const second = Context.get(yield* Layer.build(LocalKeyring.layer(material)), KeyProvider)
      expect(Buffer.from(key).equals(keyA)).toBe(true)

      const dataKey = yield* first.generateDataKey
      const reference = { keyId: dataKey.keyId, wrappedKey: dataKey.wrappedKey }
      expect(Buffer.from(yield* second.unwrapDataKey(reference)).equals(Buffer.from(dataKey.plaintext))).toBe(true)
    }).pipe(Effect.scoped))
})

describe("LocalKeyring from CLAIM_DRAFTS_LOCAL_KEYS", () => {
  const storageSecret = randomBytes(32)
  const inlineEnv = (home: string, localKeys: string): Record<string, string> => ({
    HOME: home,
    CLAIM_DRAFTS_LOCAL_KEYS: localKeys,
    CLAIM_DRAFTS_STORAGE_SECRET: base64(storageSecret)
  })

  it.scoped("first listed key encrypts and secrets come from the environment", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const tokenSecret = randomBytes(48)
      const env = {
        ...inlineEnv(home, ` kek-B:${base64(keyB)} , kek-A:${base64(keyA)} `),
        CLAIM_DRAFTS_TOKEN_SECRET: base64(tokenSecret)
      }
      const { context } = yield* buildWith(LocalKeyring.layerConfig, env)

      const dataKey = yield* Context.get(context, KeyProvider).generateDataKey
      expect(dataKey.keyId).toBe("kek-B")

      const secrets = Context.get(context, Secrets)
      expect(Buffer.from(Redacted.value(secrets.storageKeySecret)).equals(storageSecret)).toBe(true)
      expect(Option.map(secrets.tokenSigningSecret, (secret) => Buffer.from(Redacted.value(secret)).equals(tokenSecret)))
        .toEqual(Option.some(true))
    }))

  it.scoped("second listed key still decrypts", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const before = yield* buildWith(LocalKeyring.layerConfig, inlineEnv(home, `kek-A:${base64(keyA)}`))
      const after = yield* buildWith(LocalKeyring.layerConfig, inlineEnv(home, `kek-B:${base64(keyB)},kek-A:${base64(keyA)}`))

      const old = yield* Context.get(before.context, KeyProvider).generateDataKey
      const unwrapped = yield* Context.get(after.context, KeyProvider).unwrapDataKey(old)
      expect(Buffer.from(unwrapped).equals(Buffer.from(old.plaintext))).toBe(true)
    }))

  it.scoped("token secret is optional", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const { context } = yield* buildWith(LocalKeyring.layerConfig, inlineEnv(home, `kek-A:${base64(keyA)}`))
      expect(Option.isNone(Context.get(context, Secrets).tokenSigningSecret)).toBe(true)
    }))

  const malformed: ReadonlyArray<readonly [string, string, string]> = [
    ["entry without a colon", base64(keyA), "entry 1 has no key id"],
    ["key that is not base64", "kek-A:not*base64!", "not valid base64"],
    ["key of 16 bytes", `kek-A:${base64(randomBytes(16))}`, "16 bytes"],
    ["key id with a space", `kek A:${base64(keyA)}`, "key id is invalid"],
    ["repeated key id", `kek-A:${base64(keyA)},kek-A:${base64(keyB)}`, "listed twice"],
    ["empty list", " , ", "no key is listed"]
  ]
  for (const [name, value, expected] of malformed) {
    it.scoped(`rejects ${name}`, () =>
      Effect.gen(function*() {
        const home = yield* temporaryDirectory
        const error = yield* configError(LocalKeyring.layerConfig, inlineEnv(home, value))

        expect(error._tag).toBe("KeyConfigError")
        expect(error.message).toContain("CLAIM_DRAFTS_LOCAL_KEYS")
        expect(error.message).toContain(expected)
        expect(error.message).not.toContain(base64(keyA))
        expect(error.message).not.toContain(base64(keyB))
      }))
  }

  it.scoped("requires the storage secret", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const error = yield* configError(LocalKeyring.layerConfig, { HOME: home, CLAIM_DRAFTS_LOCAL_KEYS: `kek-A:${base64(keyA)}` })
      expect(error.message).toContain("CLAIM_DRAFTS_STORAGE_SECRET")
      expect(error.message).toContain("not set")
    }))

  it.scoped("rejects a short storage secret", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const env = { ...inlineEnv(home, `kek-A:${base64(keyA)}`), CLAIM_DRAFTS_STORAGE_SECRET: base64(randomBytes(16)) }
      const error = yield* configError(LocalKeyring.layerConfig, env)
      expect(error.message).toContain("CLAIM_DRAFTS_STORAGE_SECRET")
      expect(error.message).toContain("at least 32")
    }))

  it.scoped("rejects local keys beside a key file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const env = { ...inlineEnv(home, `kek-A:${base64(keyA)}`), CLAIM_DRAFTS_KEY_FILE: join(home, "keys.json") }
      const error = yield* configError(LocalKeyring.layerConfig, env)
      expect(error.message).toContain("both key sources are set")
    }))
})

describe("LocalKeyring from CLAIM_DRAFTS_KEY_FILE", () => {
  const fileEnv = (home: string, keyFile: string): Record<string, string> => ({
    HOME: home,
    CLAIM_DRAFTS_KEY_FILE: keyFile,
    CLAIM_DRAFTS_DATA_DIR: join(home, "data")
  })

  it.scoped("loads keys and secrets from a 0600 file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "keys.json")
      const contents = keyFileContents([kekOf("B"), kekOf("A")])
      yield* writeKeyFile(path, contents)

      const { context, logs } = yield* buildWith(LocalKeyring.layerConfig, fileEnv(home, path))
      const provider = Context.get(context, KeyProvider)
      expect((yield* provider.generateDataKey).keyId).toBe("kek-B")

      const legacy = yield* (yield* LocalKeyring.make([kekOf("A")])).generateDataKey
      expect(Buffer.from(yield* provider.unwrapDataKey(legacy)).equals(Buffer.from(legacy.plaintext))).toBe(true)

      const secrets = Context.get(context, Secrets)
      expect(base64(Redacted.value(secrets.storageKeySecret))).toBe(contents.storageKeySecret)
      expect(Option.map(secrets.tokenSigningSecret, (secret) => base64(Redacted.value(secret))))
        .toEqual(Option.some(contents.tokenSigningSecret))
      expect(logs.filter((entry) => entry.level === "WARN")).toEqual([])
    }))

  it.scoped("accepts a 0400 file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "keys.json")
      yield* writeKeyFile(path, keyFileContents([kekOf("A")]), 0o400)

      const { context } = yield* buildWith(LocalKeyring.layerConfig, fileEnv(home, path))
      expect((yield* Context.get(context, KeyProvider).generateDataKey).keyId).toBe("kek-A")
    }))

  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    const octal = mode.toString(8).padStart(4, "0")
    it.scoped(`rejects a ${octal} file with chmod advice`, () =>
      Effect.gen(function*() {
        const home = yield* temporaryDirectory
        const path = join(home, "keys.json")
        yield* writeKeyFile(path, keyFileContents([kekOf("A")]), mode)

        const error = yield* configError(LocalKeyring.layerConfig, fileEnv(home, path))
        expect(error.message).toContain(path)
        expect(error.message).toContain(`mode ${octal}`)
        expect(error.message).toContain(`chmod 600 ${path}`)
      }))
  }

  it.scoped("rejects a missing key file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "absent.json")
      const error = yield* configError(LocalKeyring.layerConfig, fileEnv(home, path))

      expect(error.message).toContain(path)
      expect(error.message).toContain("does not exist")
      yield* Effect.promise(() => expect(stat(path)).rejects.toThrow())
    }))

  it.scoped("rejects a key file inside the data directory", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      yield* Effect.promise(() => mkdir(join(home, "data", "keys"), { recursive: true }))
      const path = join(home, "data", "keys", "keys.json")
      yield* writeKeyFile(path, keyFileContents([kekOf("A")]))

      const error = yield* configError(LocalKeyring.layerConfig, fileEnv(home, path))
      expect(error.message).toContain("inside the data directory")
      expect(error.message).toContain(join(home, "data"))
    }))

  it.scoped("rejects a key file reached through a link into the data directory", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      yield* Effect.promise(() => mkdir(join(home, "data"), { recursive: true }))
      yield* writeKeyFile(join(home, "data", "keys.json"), keyFileContents([kekOf("A")]))
      yield* Effect.promise(() => symlink(join(home, "data"), join(home, "elsewhere")))

      const error = yield* configError(LocalKeyring.layerConfig, fileEnv(home, join(home, "elsewhere", "keys.json")))
      expect(error.message).toContain("inside the data directory")
    }))

  it.scoped("accepts a sibling of the data directory with a shared prefix", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "data-keys.json")
      yield* writeKeyFile(path, keyFileContents([kekOf("A")]))

      const { context } = yield* buildWith(LocalKeyring.layerConfig, fileEnv(home, path))
      expect((yield* Context.get(context, KeyProvider).generateDataKey).keyId).toBe("kek-A")
    }))

  const broken: ReadonlyArray<readonly [string, (contents: ReturnType<typeof keyFileContents>) => unknown, string]> = [
    ["invalid JSON", () => "{", "not valid JSON"],
    ["an unknown field", (contents) => ({ ...contents, extra: 1 }), "field extra"],
    ["a missing storage secret", ({ storageKeySecret: _, ...rest }) => rest, "field storageKeySecret"],
    ["a 16-byte key", (contents) => ({ ...contents, keys: [{ id: "kek-A", key: base64(randomBytes(16)) }] }), "16 bytes"],
    ["a short token secret", (contents) => ({ ...contents, tokenSigningSecret: base64(randomBytes(8)) }), "tokenSigningSecret"],
    ["no keys", (contents) => ({ ...contents, keys: [] }), "no key is listed"]
  ]
  for (const [name, edit, expected] of broken) {
    it.scoped(`rejects a key file with ${name}`, () =>
      Effect.gen(function*() {
        const home = yield* temporaryDirectory
        const path = join(home, "keys.json")
        const contents = keyFileContents([kekOf("A")])
        const edited = edit(contents)
        yield* Effect.promise(() => writeFile(path, typeof edited === "string" ? edited : JSON.stringify(edited), { mode: 0o600 }))

        const error = yield* configError(LocalKeyring.layerConfig, fileEnv(home, path))
        expect(error.message).toContain(path)
        expect(error.message).toContain(expected)
        expect(error.message).not.toContain(base64(keyA))
        expect(error.message).not.toContain(contents.storageKeySecret)
      }))
  }

  it.scoped("rejects environment secrets beside a key file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "keys.json")
      yield* writeKeyFile(path, keyFileContents([kekOf("A")]))

      const env = { ...fileEnv(home, path), CLAIM_DRAFTS_STORAGE_SECRET: base64(randomBytes(32)) }
      const error = yield* configError(LocalKeyring.layerConfig, env)
      expect(error.message).toContain("CLAIM_DRAFTS_STORAGE_SECRET")
      expect(error.message).toContain("holds these secrets itself")
    }))
})

describe("LocalKeyring development key file", () => {
  const developmentEnv = (home: string): Record<string, string> => ({
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    CLAIM_DRAFTS_DATA_DIR: join(home, "data")
  })

  it.scoped("is created 0600 under XDG_CONFIG_HOME with a warning", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "config", "claim-drafts", "dev-keys.json")
      const { context, logs } = yield* buildWith(LocalKeyring.layerConfig, developmentEnv(home))

      const stats = yield* Effect.promise(() => stat(path))
      expect(stats.mode & 0o777).toBe(0o600)
      expect(yield* Effect.promise(() => readdir(join(home, "config", "claim-drafts")))).toEqual(["dev-keys.json"])

      const contents = JSON.parse(yield* Effect.promise(() => readFile(path, "utf8")))
      expect(contents.development).toBe(true)
      expect((yield* Context.get(context, KeyProvider).generateDataKey).keyId).toBe(contents.keys[0].id)
      expect(Option.isSome(Context.get(context, Secrets).tokenSigningSecret)).toBe(true)

      const warnings = logs.filter((entry) => entry.level === "WARN")
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.message).toContain("development key file")
      expect(warnings[0]!.annotations).toMatchObject({ keyFile: path, created: true })

      const logged = JSON.stringify(logs)
      expect(logged).not.toContain(contents.keys[0].key)
      expect(logged).not.toContain(contents.storageKeySecret)
      expect(logged).not.toContain(contents.tokenSigningSecret)
    }))

  it.scoped("is reused on the next start", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const first = yield* buildWith(LocalKeyring.layerConfig, developmentEnv(home))
      const second = yield* buildWith(LocalKeyring.layerConfig, developmentEnv(home))

      const dataKey = yield* Context.get(first.context, KeyProvider).generateDataKey
      const unwrapped = yield* Context.get(second.context, KeyProvider).unwrapDataKey(dataKey)
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)
      expect(second.logs.find((entry) => entry.level === "WARN")?.annotations).toMatchObject({ created: false })
    }))

  it.scoped("goes under ~/.config without XDG_CONFIG_HOME", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      yield* buildWith(LocalKeyring.layerConfig, { HOME: home, CLAIM_DRAFTS_DATA_DIR: join(home, "data") })

      const stats = yield* Effect.promise(() => stat(join(home, ".config", "claim-drafts", "dev-keys.json")))
      expect(stats.mode & 0o777).toBe(0o600)
    }))

  it.scoped("is never created inside the data directory", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const env = { HOME: home, XDG_CONFIG_HOME: join(home, "data", "config"), CLAIM_DRAFTS_DATA_DIR: join(home, "data") }

      const error = yield* configError(LocalKeyring.layerConfig, env)
      expect(error.message).toContain("inside the data directory")
      yield* Effect.promise(() => expect(stat(join(home, "data", "config"))).rejects.toThrow())
    }))

  it.scoped("warns when an explicit key file is a development file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "dev.json")
      yield* writeKeyFile(path, { ...keyFileContents([kekOf("A")]), development: true })

      const env = { HOME: home, CLAIM_DRAFTS_KEY_FILE: path, CLAIM_DRAFTS_DATA_DIR: join(home, "data") }
      const { logs } = yield* buildWith(LocalKeyring.layerConfig, env)
      expect(logs.filter((entry) => entry.level === "WARN")).toHaveLength(1)
    }))

  it.scoped("concurrent creators agree on one file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const path = join(home, "config", "dev-keys.json")

      const created = yield* Effect.all(
        Array.from({ length: 8 }, () => createDevelopmentKeyFile(path, join(home, "data"))),
        { concurrency: "unbounded" }
      )
      expect(created.filter((value) => value)).toHaveLength(1)
      expect(yield* Effect.promise(() => readdir(join(home, "config")))).toEqual(["dev-keys.json"])
    }))

  it.scoped("processes started at once share one file", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const script = join(import.meta.dirname, "support", "printKeyringKeyId.ts")
      const env = { PATH: process.env.PATH ?? "", ...developmentEnv(home) }

      const keyIds = yield* Effect.promise(() =>
        Promise.all(
          Array.from({ length: 4 }, () => promisify(execFile)(process.execPath, [script], { env }).then(({ stdout }) => /^keyId=(.*)$/m.exec(stdout)?.[1])
          )
        )
      )
      expect(new Set(keyIds).size).toBe(1)
      expect(keyIds[0]).toMatch(/^dev-\d{8}-[0-9a-f]{8}$/)
      expect(yield* Effect.promise(() => readdir(join(home, "config", "claim-drafts")))).toEqual(["dev-keys.json"])
    }))
})

describe("key services selection", () => {
  it.scoped("uses the local keyring without a KMS key id", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const env = {
        HOME: home,
        CLAIM_DRAFTS_LOCAL_KEYS: `kek-A:${base64(keyA)}`,
        CLAIM_DRAFTS_STORAGE_SECRET: base64(randomBytes(32))
      }
      const { context } = yield* buildWith(KeyServices.layerConfig, env)
      expect((yield* Context.get(context, KeyProvider).generateDataKey).keyId).toBe("kek-A")
    }))

  it.scoped("rejects KMS beside local keys", () =>
    Effect.gen(function*() {
      const home = yield* temporaryDirectory
      const env = {
        HOME: home,
        CLAIM_DRAFTS_KMS_KEY_ID: "1234abcd-12ab-34cd-56ef-1234567890ab",
        CLAIM_DRAFTS_LOCAL_KEYS: `kek-A:${base64(keyA)}`
      }
      const error = yield* configError(KeyServices.layerConfig, env)
      expect(error.message).toContain("both configured")
    }))
})
