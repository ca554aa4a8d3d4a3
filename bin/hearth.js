#!/usr/bin/env node
// The installed `hearth` command: registers tsx in this very process and runs
// the TypeScript CLI, so signals (SIGTERM from systemd) reach the agent itself.
import { register } from "tsx/esm/api";

register();
await import("../agent/cli/main.ts");
