/**
 * `hearth config check FILE`: validate a config file and the fixtures and
 * intents files it names; print every error with its path and exit 2.
 */
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/load.ts";
import { referencedFileProblems } from "../config/referenced-files.ts";
import { Agent } from "../service/agent.ts";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("inspect configuration files");
  config
    .command("check")
    .argument("<file>", "YAML config file")
    .description("validate FILE and the files it names; exit 2 and list every error with its path when it is invalid")
    .action(async (file: string) => {
      const config = loadConfig(file);
      const problems = referencedFileProblems(config);
      // Building an offline agent loads the fixtures and intents files exactly as `hearth run` does.
      try {
        await new Agent(config, { offline: true, configFile: file }).stop();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems.push(...err.errors);
      }
      if (problems.length) throw new ConfigError(file, problems);
      process.stdout.write(`${file}: ok\n`);
    });
}
