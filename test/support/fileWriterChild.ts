// Stores whole versions of one file in a loop until the parent kills this process, so a test
// can crash a writer in the middle of a write. Each version is one repeated byte. It calls the
// file store's write path directly because loading all of effect would dominate the test's time.
import { storeFile } from "../../adapters/filesystem/atomicWrite.ts"

const [target, sizeArgument] = process.argv.slice(2)
if (target === undefined || sizeArgument === undefined) {
  throw new Error("usage: fileWriterChild.ts TARGET_FILE SIZE_BYTES")
}
const size = Number(sizeArgument)

for (let version = 1; ; version++) {
  await storeFile(target, Buffer.alloc(size, version % 251))
  if (version === 1) process.stdout.write("first write done\n")
}
