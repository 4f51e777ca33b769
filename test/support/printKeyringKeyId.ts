import { Effect } from "effect"
import { loadKeyringMaterial } from "../../adapters/keyring/keyringMaterial.ts"

/**
 * Loads the local keyring from the environment and prints the id of its encrypting key
 * on a line of its own, after the logger's lines.
 * Tests start several of these at once to show that they agree on one development key file.
 */
const material = await Effect.runPromise(loadKeyringMaterial)
process.stdout.write(`keyId=${material.keys[0]?.id ?? ""}\n`)
