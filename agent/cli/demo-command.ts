/** `hearth demo` (what `npm start` runs): the self-contained demo home. */
import type { Command } from "commander";
import { setLogLevel } from "../log.ts";
import { runDemo } from "../demo/scenario.ts";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("run a simulated home on an embedded broker and drive it with a script of typed commands")
    .option("--verbose", "show the agent's logs too")
    .action(async (options: { verbose?: boolean }) => {
      if (!options.verbose) setLogLevel("error");
      await runDemo((line) => process.stdout.write(line + "\n"));
    });
}
