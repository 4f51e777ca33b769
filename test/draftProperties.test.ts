import { draftPropertySuite } from "./contracts/draftProperties.ts"
import { memoryStack } from "./support/memoryStack.ts"

draftPropertySuite("draft programs over the memory stores", memoryStack)
