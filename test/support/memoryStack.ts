import { Context, Effect } from "effect"
import { DurableStoreLoss, type DurableStoreLossShape } from "../../adapters/memory/DurableStoreLoss.ts"
import * as MemoryDurableStore from "../../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../../adapters/memory/MemoryHotStore.ts"
import { type DraftStackWith, type StackOptions, stackOver } from "./draftStack.ts"

export type MemoryStack = DraftStackWith<DurableStoreLoss> & {
  readonly durableLoss: DurableStoreLossShape
}

const overMemory = stackOver({ hot: MemoryHotStore.layerWithControl, durable: MemoryDurableStore.layer })

/** The draft programs over both in-memory stores and a local keyring with random keys. */
export const memoryStack = (options?: StackOptions) =>
  Effect.map(
    overMemory(options),
    (stack): MemoryStack => ({ ...stack, durableLoss: Context.get(stack.extra, DurableStoreLoss) })
  )
