// One instance of the service that only runs the write-behind loop, so the drill can SIGKILL
// a persisting process while it holds claims. Its S3 puts wait `putDelayMillis` first, like
// uploads over a congested link, so a kill lands while persists are in flight. It writes
// `drill:ready` once the loop runs and `drill:claimed <n>` after each round that claimed drafts.
import { Context, Duration, Effect, Layer, Logger } from "effect"
import * as WriteBehind from "../../adapters/writeBehind.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { HotStore, type HotStoreShape } from "../../programs/ports/HotStore.ts"
import { type PersisterSettings, settingsVariable } from "./persisterSettings.ts"
import { portsLayer } from "./stack.ts"

const report = (line: string) => Effect.sync(() => void process.stdout.write(`drill:${line}\n`))

const run = (settings: PersisterSettings) =>
  Effect.gen(function* () {
    const ports = yield* Layer.build(portsLayer(settings.endpoints, settings.timings)).pipe(Effect.orDie)
    const hot = Context.get(ports, HotStore)
    const durable = Context.get(ports, DurableStore)

    const reportingHot: HotStoreShape = {
      ...hot,
      claimDue: (now, limit, leaseMillis) =>
        hot.claimDue(now, limit, leaseMillis).pipe(
          Effect.tap((keys) => (keys.length > 0 ? report(`claimed ${keys.length}`) : Effect.void))
        )
    }
    const slowDurable: DurableStoreShape = {
      ...durable,
      put: (path, bytes) => Effect.zipRight(Effect.sleep(Duration.millis(settings.putDelayMillis)), durable.put(path, bytes))
    }

    const context = ports.pipe(Context.add(HotStore, reportingHot), Context.add(DurableStore, slowDurable))
    const drafts = yield* Layer.build(Drafts.layer).pipe(Effect.provide(context))
    yield* Layer.build(WriteBehind.layer).pipe(Effect.provide(drafts))
    yield* report("ready")
    return yield* Effect.never
  })

const text = process.env[settingsVariable]
if (text === undefined) throw new Error(`${settingsVariable} is not set; the drill starts this file itself`)

Effect.runFork(
  Effect.scoped(run(JSON.parse(text) as PersisterSettings)).pipe(
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger)))
  )
)
