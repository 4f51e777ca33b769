import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { server } from "./serverStack.ts"

NodeRuntime.runMain(Layer.launch(server))
