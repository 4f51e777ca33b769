import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

const opensslPath = "/usr/bin/openssl"
const commandTimeoutMillis = 30_000

/**
 * A private CA, a server certificate it signed for 127.0.0.1 and localhost, and a client
 * certificate it signed, as PEM files.
 */
export interface TestCertificates {
  readonly directory: string
  readonly caFile: string
  readonly caPem: string
  readonly serverCertFile: string
  readonly serverKeyFile: string
  readonly clientCertFile: string
  readonly clientKeyFile: string
  readonly clientCertPem: string
  readonly clientKeyPem: string
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

/** Creates a P-256 key and a certificate for it that the test CA signed with the extensions in `extensions`. */
const makeSigned = async (directory: string, name: string, subject: string, extensions: ReadonlyArray<string>) => {
  await openssl(directory, [
    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject
  ])
  await writeFile(join(directory, `${name}.ext`), extensions.join("\n"))
  await openssl(directory, [
    "x509", "-req", "-in", `${name}.csr`, "-CA", "test-ca.pem", "-CAkey", "test-ca.key", "-CAcreateserial",
    "-out", `${name}.pem`, "-days", "1", "-extfile", `${name}.ext`
  ])
}

/** Generates the certificates with openssl into a new temporary directory. */
export const makeTestCertificates = async (): Promise<TestCertificates> => {
  const directory = await mkdtemp(join(tmpdir(), "claim-drafts-tls-"))
  const remove = () => rm(directory, { recursive: true, force: true })

  try {
    await Promise.all([makeCa(directory, "test-ca"), makeCa(directory, "other-ca")])

    // clientAuth too, because cluster nodes present this certificate to each other on the
    // cluster bus and during replication, and the accepting node checks it.
    await makeSigned(directory, "server", "/CN=localhost", [
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth,clientAuth"
    ])
    // -CAcreateserial rewrites the serial file, so the two signings run one after the other.
    await makeSigned(directory, "client", "/CN=claim-drafts test client", [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=clientAuth"
    ])

    return {
      directory,
      caFile: join(directory, "test-ca.pem"),
      caPem: await readFile(join(directory, "test-ca.pem"), "utf8"),
      serverCertFile: join(directory, "server.pem"),
      serverKeyFile: join(directory, "server.key"),
      clientCertFile: join(directory, "client.pem"),
      clientKeyFile: join(directory, "client.key"),
      clientCertPem: await readFile(join(directory, "client.pem"), "utf8"),
      clientKeyPem: await readFile(join(directory, "client.key"), "utf8"),
      otherCaPem: await readFile(join(directory, "other-ca.pem"), "utf8"),
      remove
    }
  } catch (error) {
    await remove()
    throw error
  }
}
