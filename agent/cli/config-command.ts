/** `hearth config check FILE`: validate a config file and print every error with its path. */
import type { Command } from "commander";
import { loadConfig } from "../config/load.ts";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("inspect configuration files");
  config
    .command("check")
    .argument("<file>", "YAML config file")
    .description("validate FILE; exit 2 and list every error with its path when it is invalid")
    .action((file: string) => {
      loadConfig(file);
      process.stdout.write(`${file}: ok\n`);
    });
}
