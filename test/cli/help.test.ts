import { describe, expect, it } from "vitest"
import { makeWorkspace } from "./cliHarness.ts"

const commands = ["put", "get", "patch", "list", "delete", "flush", "submit", "token", "sweep", "inspect", "setup", "serve"]

describe("claim-drafts --help", () => {
  it("exits 0 for the root and each command and lists exit codes", { timeout: 600_000 }, async () => {
    const workspace = await makeWorkspace()
    try {
      const root = await workspace.run(["--help"])
      expect(root.code).toBe(0)
      for (const command of commands) expect(root.stdout).toContain(command)

      const results = await Promise.all(commands.map((command) => workspace.run([command, "--help"])))
      results.forEach((result, index) => {
        const command = commands[index]!
        expect(result.code, command).toBe(0)
        expect(result.stdout, command).toContain("EXIT CODES")
        expect(result.stdout, command).toContain(command)
      })
    } finally {
      await workspace.dispose()
    }
  })
})
