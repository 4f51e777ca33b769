import { spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

/** Runs the real CLI as a child process with Node 24 from node_modules, in a private data directory and key file. */

const repositoryRoot = resolve(import.meta.dirname, "../..")
const node = join(repositoryRoot, "node_modules/.bin/node")
const cliMain = join(repositoryRoot, "adapters/cli/main.ts")

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliWorkspace {
  readonly root: string
  readonly dataDirectory: string
  readonly keyFile: string
  /** The HS256 secret written into the key file, for verifying tokens. */
  readonly tokenSecret: Uint8Array
  /** The storage-key secret written into the key file, for computing where a draft is stored. */
  readonly storageSecret: Uint8Array
  readonly env: Readonly<Record<string, string>>
  /** Runs `claim-drafts ...args`, feeding `input` to standard input (closed at once when absent). */
  readonly run: (args: ReadonlyArray<string>, input?: string) => Promise<CliResult>
  readonly dispose: () => Promise<void>
}

export const runNode = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  input?: string
): Promise<CliResult> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(node, [...args], { cwd: repositoryRoot, env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }))
    child.stdin.end(input ?? "")
  })

/**
 * Creates a workspace with a data directory and a key file outside it. The environment is built from
 * scratch, so no Redis, S3 or KMS variable of the machine reaches the child, and the AWS SDK
 * never probes instance metadata.
 */
export const makeWorkspace = async (): Promise<CliWorkspace> => {
  const root = await mkdtemp(join(tmpdir(), "claim-drafts-cli-"))
  const dataDirectory = join(root, "data")
  const keyFile = join(root, "keys.json")
  const tokenSecret = randomBytes(32)
  const storageSecret = randomBytes(32)

  const contents = {
    version: 1,
    keys: [{ id: "test-kek-1", key: randomBytes(32).toString("base64") }],
    storageKeySecret: Buffer.from(storageSecret).toString("base64"),
    tokenSigningSecret: Buffer.from(tokenSecret).toString("base64")
  }
  await writeFile(keyFile, JSON.stringify(contents), { mode: 0o600 })

  const env: Record<string, string> = {
    PATH: `${join(repositoryRoot, "node_modules/.bin")}:/usr/bin:/bin`,
    HOME: root,
    XDG_CONFIG_HOME: join(root, "config"),
    CLAIM_DRAFTS_DATA_DIR: dataDirectory,
    CLAIM_DRAFTS_KEY_FILE: keyFile,
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1"
  }

  return {
    root,
    dataDirectory,
    keyFile,
    tokenSecret,
    storageSecret,
    env,
    run: (args, input) => runNode([cliMain, ...args], env, input),
    dispose: () => rm(root, { recursive: true, force: true })
  }
}

/** Returns a random UUID, the kind of draft id clients should use. */
export const newDraftId = (): string => randomUUID()
