import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

const opensslPath = "/usr/bin/openssl"
const commandTimeoutMillis = 30_000

/** A private CA and a server certificate it signed for 127.0.0.1 and localhost, as PEM files. */
export interface TestCertificates {
  readonly directory: string
  readonly caFile: string
  readonly caPem: string
  readonly serverCertFile: string
  readonly serverKeyFile: string
  /** PEM of a second CA that signed nothing here, for checks that a wrong CA is rejected. */
  readonly otherCaPem: string
  readonly remove: () => Promise<void>
}

const openssl = (directory: string, args: ReadonlyArray<string>) =>
  run(opensslPath, [...args], { cwd: directory, timeout: commandTimeoutMillis })

/** Creates a self-signed CA certificate with a P-256 key, valid for one day. */
const makeCa = (directory: string, name: string) =>
  openssl(directory, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "1",
    "-subj", `/CN=claim-drafts ${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign"
  ])

/** Generates the certificates with openssl into a new temporary directory. */
export const makeTestCertificates = async (): Promise<TestCertificates> => {
  const directory = await mkdtemp(join(tmpdir(), "claim-drafts-tls-"))
  const remove = () => rm(directory, { recursive: true, force: true })

  try {
    await Promise.all([makeCa(directory, "test-ca"), makeCa(directory, "other-ca")])

    await openssl(directory, [
      "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"
    ])
    // clientAuth too, because cluster nodes present this certificate to each other on the
    // cluster bus and during replication, and the accepting node checks it.
    await writeFile(
      join(directory, "server.ext"),
      [
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth,clientAuth"
      ].join("\n")
    )
    await openssl(directory, [
      "x509", "-req", "-in", "server.csr", "-CA", "test-ca.pem", "-CAkey", "test-ca.key", "-CAcreateserial",
      "-out", "server.pem", "-days", "1", "-extfile", "server.ext"
    ])

    return {
      directory,
      caFile: join(directory, "test-ca.pem"),
      caPem: await readFile(join(directory, "test-ca.pem"), "utf8"),
      serverCertFile: join(directory, "server.pem"),
      serverKeyFile: join(directory, "server.key"),
      otherCaPem: await readFile(join(directory, "other-ca.pem"), "utf8"),
      remove
    }
  } catch (error) {
    await remove()
    throw error
  }
}
