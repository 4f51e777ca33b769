// Types for the parts of s3rver 3.7 that the tests use; the package ships none.
declare module "s3rver" {
  import type { Server } from "node:http"
  import type { AddressInfo } from "node:net"

  interface S3rverOptions {
    readonly address?: string
    readonly port?: number
    readonly directory?: string
    readonly silent?: boolean
    readonly resetOnClose?: boolean
    readonly vhostBuckets?: boolean
    readonly allowMismatchedSignatures?: boolean
    readonly configureBuckets?: ReadonlyArray<{ readonly name: string }>
  }

  class S3rver {
    constructor(options?: S3rverOptions)
    readonly httpServer: Server | undefined
    run(): Promise<AddressInfo>
    close(): Promise<void>
  }

  export default S3rver
}
