import { getRandomValues, randomBytes } from "node:crypto"
import { link, mkdir, open, readFile, stat, unlink } from "node:fs/promises"
import { dirname } from "node:path"
import { Effect, Either, Option, ParseResult, Redacted, Schema } from "effect"
import { KeyConfigError } from "../KeyConfigError.ts"
import { checkKeyList, decodeKeyEncryptionKey, decodeSecret, keyEncryptionKeyBytes, type KeyEncryptionKey, type KeyringMaterial, zeroKeys } from "./keyMaterial.ts"
import { isInsideDirectory } from "./pathContainment.ts"

/**
 * The JSON key file of the local keyring (docs/keys.md). Byte values are base64; the first
 * key wraps new data keys.
 */
const KeyFileContents = Schema.Struct({
  version: Schema.Literal(1),
  development: Schema.optional(Schema.Boolean),
  keys: Schema.Array(Schema.Struct({ id: Schema.String, key: Schema.String })),
  storageKeySecret: Schema.String,
  tokenSigningSecret: Schema.optional(Schema.String)
})

type KeyFileContents = typeof KeyFileContents.Type

const decodeContents = Schema.decodeUnknownEither(KeyFileContents, { onExcessProperty: "error" })

/** Bits that let the group or other users read, write or run the file. */
const groupOrOtherBits = 0o077

const checkOutsideDataDirectory = (path: string, dataDirectory: string) =>
  Effect.promise(() => isInsideDirectory(path, dataDirectory)).pipe(
    Effect.filterOrFail(
      (inside) => !inside,
      () =>
        new KeyConfigError({
          source: path,
          problem: `the key file lies inside the data directory ${dataDirectory}, so a copy of that directory alone would decrypt every draft`,
          fix: "Keep the key file outside the data directory: set CLAIM_DRAFTS_KEY_FILE or CLAIM_DRAFTS_DATA_DIR so the two are apart."
        })
    ),
    Effect.asVoid
  )

const errorCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

const checkPermissions = (path: string) =>
  Effect.tryPromise({
    try: () => stat(path),
    catch: (cause) =>
      errorCode(cause) === "ENOENT"
        ? new KeyConfigError({
          source: path,
          problem: "the key file does not exist",
          fix: "Create it in the format of docs/keys.md with mode 0600, or unset CLAIM_DRAFTS_KEY_FILE to use a generated development key file."
        })
        : new KeyConfigError({ source: path, problem: "the key file cannot be read", fix: "Check the path and its permissions.", cause })
  }).pipe(
    Effect.flatMap((stats) => {
      if (!stats.isFile()) {
        return Effect.fail(
          new KeyConfigError({ source: path, problem: "the key file is not a regular file", fix: "Point CLAIM_DRAFTS_KEY_FILE at the JSON key file itself." })
        )
      }

      // NOTE: Windows reports no POSIX permission bits, so this check passes there; protect the
      // file with an access control list instead.
      if (process.platform !== "win32" && (stats.mode & groupOrOtherBits) !== 0) {
        const mode = (stats.mode & 0o777).toString(8).padStart(4, "0")
        return Effect.fail(
          new KeyConfigError({
            source: path,
            problem: `the key file has mode ${mode}, so other users may read or change it`,
            fix: `Run \`chmod 600 ${path}\` (0600 or stricter is required).`
          })
        )
      }
      return Effect.void
    })
  )

/** Names the first invalid field by its path, never by its value, which may be a key. */
const describeSchemaError = (error: ParseResult.ParseError): string => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  const field = issue === undefined || issue.path.length === 0 ? "the top level" : `field ${issue.path.join(".")}`
  return `${field} is missing, unexpected or of the wrong type`
}

const parseContents = (path: string, bytes: Buffer): Either.Either<KeyFileContents, KeyConfigError> => {
  let json: unknown
  try {
    json = JSON.parse(bytes.toString("utf8"))
  } catch {
    return Either.left(new KeyConfigError({ source: path, problem: "the key file is not valid JSON", fix: "Rewrite it in the format of docs/keys.md." }))
  }

  return decodeContents(json).pipe(
    Either.mapLeft((error) =>
      new KeyConfigError({ source: path, problem: describeSchemaError(error), fix: "Rewrite it in the format of docs/keys.md." })
    )
  )
}

const materialOf = (path: string, contents: KeyFileContents): Effect.Effect<KeyringMaterial, KeyConfigError> => {
  const keys: Array<KeyEncryptionKey> = []

  return Effect.gen(function*() {
    for (const [index, entry] of contents.keys.entries()) {
      keys.push(yield* decodeKeyEncryptionKey(`${path} (keys.${index})`, entry.id, entry.key))
    }
    yield* checkKeyList(path, keys)

    const storageKeySecret = yield* decodeSecret(`${path} (storageKeySecret)`, contents.storageKeySecret)
    const tokenSigningSecret = contents.tokenSigningSecret === undefined
      ? Option.none()
      : Option.some(Redacted.make(yield* decodeSecret(`${path} (tokenSigningSecret)`, contents.tokenSigningSecret)))

    return {
      keys,
      secrets: { storageKeySecret: Redacted.make(storageKeySecret), tokenSigningSecret },
      development: contents.development === true
    }
  }).pipe(Effect.tapError(() => Effect.sync(() => zeroKeys(keys))))
}

/**
 * Reads and validates a key file. Rejects a file inside the data directory, a file that the
 * group or other users may access, and any malformed field.
 */
export const readKeyFile = (path: string, dataDirectory: string): Effect.Effect<KeyringMaterial, KeyConfigError> =>
  Effect.gen(function*() {
    yield* checkOutsideDataDirectory(path, dataDirectory)
    yield* checkPermissions(path)

    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (cause) => new KeyConfigError({ source: path, problem: "the key file cannot be read", fix: "Check the path and its permissions.", cause })
    })

    // The file buffer is zeroed here; the decoded JSON strings cannot be, and stay in the
    // heap until the garbage collector reclaims them.
    const contents = parseContents(path, bytes)
    bytes.fill(0)
    return yield* materialOf(path, yield* contents)
  })

const newDevelopmentContents = (now: Date): KeyFileContents => {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "")
  const random = (bytes: number) => {
    const value = getRandomValues(new Uint8Array(bytes))
    const text = Buffer.from(value).toString("base64")
    value.fill(0)
    return text
  }

  return {
    version: 1,
    development: true,
    keys: [{ id: `dev-${day}-${randomBytes(4).toString("hex")}`, key: random(keyEncryptionKeyBytes) }],
    storageKeySecret: random(32),
    tokenSigningSecret: random(32)
  }
}

/**
 * Creates a development key file with mode 0600 unless one exists; returns whether this call
 * created it. The content goes to a private temporary file first and is published with
 * link(2), which fails if the target exists. So when processes start at once, exactly one
 * file wins, and no reader ever sees a partly written file.
 */
export const createDevelopmentKeyFile = (
  path: string,
  dataDirectory: string
): Effect.Effect<boolean, KeyConfigError> =>
  Effect.gen(function*() {
    yield* checkOutsideDataDirectory(path, dataDirectory)

    const failure = (problem: string) => (cause: unknown) =>
      new KeyConfigError({ source: path, problem, fix: "Check that the directory is writable, or set CLAIM_DRAFTS_KEY_FILE to an existing key file.", cause })

    yield* Effect.tryPromise({
      try: () => mkdir(dirname(path), { recursive: true, mode: 0o700 }),
      catch: failure("the directory of the development key file cannot be created")
    })

    const temporary = `${path}.${randomBytes(8).toString("hex")}.tmp`
    const content = Buffer.from(`${JSON.stringify(newDevelopmentContents(new Date()), null, 2)}\n`, "utf8")

    const write = async () => {
      const handle = await open(temporary, "wx", 0o600)
      try {
        await handle.writeFile(content)
        await handle.sync()
      } finally {
        await handle.close()
      }
    }

    // NOTE: link(2) fails on file systems without hard links (some network and FUSE mounts);
    // point CLAIM_DRAFTS_KEY_FILE at a key file there instead.
    const publish = () =>
      link(temporary, path).then(
        () => true,
        (error: unknown) => {
          if (errorCode(error) === "EEXIST") return false
          throw error
        }
      )

    return yield* Effect.tryPromise({
      try: () => write().then(publish),
      catch: failure("the development key file cannot be written")
    }).pipe(
      Effect.ensuring(
        Effect.promise(() => unlink(temporary).catch(() => undefined)).pipe(
          Effect.zipRight(Effect.sync(() => content.fill(0)))
        )
      )
    )
  })
