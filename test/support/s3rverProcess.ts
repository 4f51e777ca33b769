/**
 * Runs s3rver in a process of its own: `node --openssl-legacy-provider s3rverProcess.ts
 * <directory> <port> <bucket>`. s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with
 * DES, which OpenSSL 3 only offers through its legacy provider, so the flag is confined to
 * this process instead of the one under test. Prints `{"port":N}` once it listens and stops
 * on SIGTERM.
 */
import S3rver from "s3rver"

const loopbackAddress = "127.0.0.1"
const [directory, port, bucket] = process.argv.slice(2)
if (directory === undefined || port === undefined || bucket === undefined) {
  console.error("usage: s3rverProcess.ts <directory> <port> <bucket>")
  process.exit(2)
}

const server = new S3rver({
  address: loopbackAddress,
  port: Number(port),
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }]
})
const address = await server.run()
if (address.address !== loopbackAddress) {
  console.error(`s3rver listened on ${address.address}; the tests allow ${loopbackAddress} only`)
  await server.close()
  process.exit(1)
}
console.log(JSON.stringify({ port: address.port }))

process.on("SIGTERM", () => {
  server.httpServer?.closeAllConnections()
  void server.close().then(() => process.exit(0))
})
