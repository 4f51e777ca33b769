import { jwtVerify } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliWorkspace, makeWorkspace } from "./cliHarness.ts"

const slow = { timeout: 600_000 }

describe("claim-drafts token", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("prints an HS256 JWT for the owner lasting one hour", slow, async () => {
    const before = Math.floor(Date.now() / 1000)
    const result = await workspace.run(["token", "--owner", "claimant-7"])
    expect(result.code).toBe(0)

    const { payload, protectedHeader } = await jwtVerify(result.stdout.trim(), workspace.tokenSecret, {
      algorithms: ["HS256"],
      issuer: "claim-drafts",
      audience: "claim-drafts"
    })
    expect(protectedHeader.alg).toBe("HS256")
    expect(payload.sub).toBe("claimant-7")
    expect(payload.exp! - payload.iat!).toBe(3600)
    expect(payload.iat!).toBeGreaterThanOrEqual(before)
  })

  it("honours --ttl", slow, async () => {
    const result = await workspace.run(["token", "--owner", "claimant-7", "--ttl", "15m"])
    expect(result.code).toBe(0)
    const { payload } = await jwtVerify(result.stdout.trim(), workspace.tokenSecret)
    expect(payload.exp! - payload.iat!).toBe(900)
  })

  it("rejects an invalid --ttl with exit 2", slow, async () => {
    for (const ttl of ["0m", "forever", "31d"]) {
      const result = await workspace.run(["token", "--owner", "claimant-7", "--ttl", ttl])
      expect(result.code, ttl).toBe(2)
      expect(result.stderr, ttl).toContain("--ttl is invalid")
    }
  })

  it("fails verification under another secret", slow, async () => {
    const result = await workspace.run(["token", "--owner", "claimant-7"])
    await expect(jwtVerify(result.stdout.trim(), new Uint8Array(32).fill(7))).rejects.toThrow()
  })
})
