/**
 * The `hearth` command line. Each sub-command lives in its own module and
 * registers itself on the program; this file only wires them together and
 * maps errors to exit codes (2 for invalid configuration, 1 otherwise).
 */
import { Command } from "commander";
import { ConfigError } from "../config/load.ts";
import { setLogLevel } from "../log.ts";
import { HEARTH_VERSION } from "../service/agent.ts";
import { registerConfigCommand } from "./config-command.ts";
import { registerServiceCommand } from "./service-command.ts";
import { registerSayCommand } from "./say-command.ts";
import { registerRunCommand } from "./run-command.ts";
import { registerStatusCommand } from "./status-command.ts";
import { registerDemoCommand } from "./demo-command.ts";
import { registerRulesCommand } from "./rules-command.ts";
import { registerIntentCommand } from "./intent-command.ts";
import { registerDevicesCommand } from "./devices-command.ts";
import { registerWatchCommand } from "./watch-command.ts";
import { registerModelsCommand } from "./models-command.ts";
import { registerCalibrateCommand } from "./calibrate-command.ts";
import { registerListenCommand } from "./listen-command.ts";
import { registerEventsCommand } from "./events-command.ts";

// `hearth watch --json | head -3`: a reader that goes away ends the command quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const program = new Command("hearth")
  .description("Local voice and vision agent for Home Assistant MQTT devices")
  .version(HEARTH_VERSION)
  .option("-v, --verbose", "log at info level (one-shot commands log warnings and errors only)")
  .showHelpAfterError()
  .hook("preAction", (_program, action) => {
    // The service logs its life at info; one-shot commands keep stderr for what needs attention.
    if (process.env.HEARTH_LOG_LEVEL === undefined && action.name() !== "run" && !program.opts().verbose) setLogLevel("warn");
  });

registerConfigCommand(program);
registerServiceCommand(program);
registerSayCommand(program);
registerRunCommand(program);
registerStatusCommand(program);
registerDemoCommand(program);
registerRulesCommand(program);
registerIntentCommand(program);
registerDevicesCommand(program);
registerWatchCommand(program);
registerModelsCommand(program);
registerCalibrateCommand(program);
registerListenCommand(program);
registerEventsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(err.message + "\n");
    process.exit(2);
  }
  process.stderr.write(`hearth: ${(err as Error).message}\n`);
  process.exit(1);
}
