import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { availableParallelism, totalmem } from "node:os"

/** What the numbers were measured on, printed with them because every ratio depends on it. */
export interface MachineInfo {
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGiB: number
  readonly node: string
  readonly redis: string
  readonly platform: string
}

const cpuModel = (): string => {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))
    return match?.[1]?.trim() ?? "unknown"
  } catch {
    return "unknown"
  }
}

const redisVersion = (serverPath: string): string => {
  try {
    return /v=(\S+)/.exec(execFileSync(serverPath, ["--version"], { encoding: "utf8" }))?.[1] ?? "unknown"
  } catch {
    return "unknown"
  }
}

export const describeMachine = (redisServerPath: string): MachineInfo => ({
  cpus: availableParallelism(),
  cpuModel: cpuModel(),
  memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  redis: redisVersion(redisServerPath),
  platform: `${process.platform} ${process.arch}`
})
