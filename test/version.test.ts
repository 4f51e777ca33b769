import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { revisionBytes } from "../domain/record.ts"
import { etagOf, fieldsOfEtag, isStrongEtag } from "../domain/version.ts"

const header = FastCheck.record({
  kind: FastCheck.constantFrom("draft" as const, "submitted" as const, "tombstone" as const),
  seq: FastCheck.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  createdAt: FastCheck.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  revision: FastCheck.uint8Array({ minLength: revisionBytes, maxLength: revisionBytes })
})

describe("ETags", () => {
  it.prop("carry the fields a replace needs, and are strong tags", [header], ([fields]) => {
    const etag = etagOf(fields)
    expect(isStrongEtag(etag)).toBe(true)
    expect(fieldsOfEtag(etag)).toEqual({ kind: fields.kind, seq: fields.seq, createdAt: fields.createdAt })
  })

  it.prop("differ whenever the revision differs", [header, header], ([left, right]) => {
    FastCheck.pre(Buffer.compare(Buffer.from(left.revision), Buffer.from(right.revision)) !== 0)
    expect(etagOf(left)).not.toBe(etagOf(right))
  })

  it("yield no fields for text another writer made", () => {
    const rejected = [
      `"1-AAAAAAAAAAAAAAAA"`,
      `W/"1-1700000000000-dAAAAAAAAAAAAAAAA"`,
      `"1-1700000000000-xAAAAAAAAAAAAAAAA"`,
      `"1-1700000000000-dAAAAAAAAAAAAAAA"`,
      `"99999999999999999-1700000000000-dAAAAAAAAAAAAAAAA"`,
      `"1-1700000000000-dAAAAAAAAAAAAAAAA" `,
      `*`
    ]
    for (const etag of rejected) expect(fieldsOfEtag(etag)).toBeUndefined()
  })
})
