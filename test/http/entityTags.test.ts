import { describe, expect, it } from "vitest"
import { parseEntityTagList } from "../../adapters/http/request/entityTags.ts"

describe("parseEntityTagList", () => {
  it("reads a wildcard", () => {
    expect(parseEntityTagList(" * ")).toEqual({ _tag: "Any" })
  })

  it("reads one strong tag", () => {
    expect(parseEntityTagList('"3-abc"')).toEqual({ _tag: "Tags", tags: [{ weak: false, tag: '"3-abc"' }] })
  })

  it("reads a weak tag", () => {
    expect(parseEntityTagList('W/"3-abc"')).toEqual({ _tag: "Tags", tags: [{ weak: true, tag: '"3-abc"' }] })
  })

  it("reads a list with a comma inside a tag", () => {
    expect(parseEntityTagList('"a,b" , W/"c"')).toEqual({
      _tag: "Tags",
      tags: [
        { weak: false, tag: '"a,b"' },
        { weak: true, tag: '"c"' }
      ]
    })
  })

  it("ignores a trailing empty list element", () => {
    expect(parseEntityTagList('"a",')).toEqual({ _tag: "Tags", tags: [{ weak: false, tag: '"a"' }] })
  })

  it("rejects unquoted and broken values", () => {
    for (const value of ["3-abc", '"open', '"a" "b"', "", 'w/"lowercase-weak"', '"quote"inside"']) {
      expect(parseEntityTagList(value), value).toEqual({ _tag: "Malformed" })
    }
  })
})
