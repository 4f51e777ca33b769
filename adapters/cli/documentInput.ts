import { open } from "node:fs/promises"
import { Effect, Option } from "effect"
import { DraftTooLarge } from "../../domain/errors.ts"
import { DraftsConfig } from "../../programs/DraftsConfig.ts"
import { InvalidOption } from "./cliErrors.ts"

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error"

/** Collects chunks until `limit` bytes are exceeded; returns undefined past the limit, so a huge input is never held whole. */
const collect = async (chunks: AsyncIterable<Uint8Array>, limit: number): Promise<string | undefined> => {
  const parts: Array<Uint8Array> = []
  let total = 0
  for await (const chunk of chunks) {
    total += chunk.length
    if (total > limit) return undefined
    parts.push(chunk)
  }
  return Buffer.concat(parts).toString("utf8")
}

const readFileText = (path: string, limit: number) =>
  Effect.tryPromise({
    try: async () => {
      const handle = await open(path, "r")
      try {
        return await collect(handle.createReadStream({ autoClose: false }), limit)
      } finally {
        await handle.close()
      }
    },
    catch: (error) =>
      new InvalidOption({ option: "--file", rule: `the file ${path} cannot be read (${errorCode(error)}); check the path and its permissions` })
  })

const readStdin = (limit: number) =>
  Effect.suspend(() => {
    if (process.stdin.isTTY) {
      return Effect.fail(
        new InvalidOption({ option: "--file", rule: "no document was given; pass --file PATH or pipe the JSON document to standard input" })
      )
    }
    return Effect.tryPromise({
      try: () => collect(process.stdin, limit),
      catch: (error) => new InvalidOption({ option: "--file", rule: `standard input cannot be read (${errorCode(error)})` })
    })
  })

/**
 * Reads the JSON text of a put or patch from `--file` or standard input, up to the configured
 * maximum document size. The text is returned as read; the programs validate it, and no error
 * here quotes it.
 */
export const readDocument = (file: Option.Option<string>) =>
  Effect.gen(function* () {
    const limit = (yield* DraftsConfig).maxDocumentBytes
    const path = Option.filter(file, (value) => value !== "-")
    const text = Option.isSome(path) ? yield* readFileText(path.value, limit) : yield* readStdin(limit)

    if (text === undefined) return yield* new DraftTooLarge({ field: "the document", limitBytes: limit })
    return text
  }).pipe(Effect.provide(DraftsConfig.layerConfig))
