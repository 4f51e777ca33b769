import { randomBytes } from "node:crypto"
import { join } from "node:path"

/**
 * Environment for `npm start`'s entry point in a child process: embedded default under
 * `directory`, fresh keys, loopback on a free port, and no configuration of the machine's user.
 */
export const serverEnvironment = (directory: string, tokenSecret: Uint8Array = randomBytes(32)): Record<string, string> => ({
  PATH: process.env.PATH ?? "",
  HOME: directory,
  XDG_CONFIG_HOME: join(directory, "config"),
  HOST: "127.0.0.1",
  PORT: "0",
  CLAIM_DRAFTS_DATA_DIR: join(directory, "data"),
  CLAIM_DRAFTS_LOCAL_KEYS: `child-server:${randomBytes(32).toString("base64")}`,
  CLAIM_DRAFTS_STORAGE_SECRET: randomBytes(32).toString("base64"),
  CLAIM_DRAFTS_TOKEN_SECRET: Buffer.from(tokenSecret).toString("base64")
})
