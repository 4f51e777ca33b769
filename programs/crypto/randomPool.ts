import { randomBytes } from "node:crypto"

/** Bytes fetched from the system generator at a time: enough for about 170 records. */
const poolBytes = 4096

/**
 * Hands out fresh random bytes from a pool, because one `randomBytes` call costs about as
 * much for 24 bytes as for 4 KiB. Each refill allocates a new pool instead of overwriting
 * the old one, so bytes already handed out never change and are never handed out twice.
 */
export const makeRandomPool = () => {
  let pool = randomBytes(poolBytes)
  let offset = 0

  return (length: number): Buffer => {
    if (length > poolBytes) return randomBytes(length)
    if (offset + length > poolBytes) {
      pool = randomBytes(poolBytes)
      offset = 0
    }
    const bytes = pool.subarray(offset, offset + length)
    offset += length
    return bytes
  }
}
