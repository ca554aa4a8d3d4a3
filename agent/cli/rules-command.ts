/**
 * `hearth rules replay`: run the config's scene rules over recorded scene
 * events (the JSON lines of `hearth watch --json`, from a file or stdin) and
 * print one JSON line per rule firing. Nothing is published: it shows what
 * the rules would do, on the events' own clock.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { loadConfig } from "../config/load.ts";
import { loadFixtures } from "../../devices/fixtures.ts";
import { EntityRegistry } from "../../devices/registry.ts";
import { parseDuration } from "../rules/duration.ts";
import { RuleEngine, type RuleFiring } from "../rules/engine.ts";
import { parseSceneEvent } from "../rules/scene-events.ts";

function printFiring(firing: RuleFiring): void {
  process.stdout.write(JSON.stringify({ type: "rule_firing", rule: firing.rule, t_ms: firing.t_ms, reason: firing.reason, actions: firing.actions }) + "\n");
}

export function registerRulesCommand(program: Command): void {
  const rules = program.command("rules").description("scene rules");
  rules
    .command("replay")
    .description("run the scene rules over JSON-line scene events and print the firings as JSON lines")
    .requiredOption("-c, --config <file>", "YAML config with `rules` (and `location` for sun conditions)")
    .option("-e, --events <file>", "JSON-lines file of scene events ('-' for stdin)", "-")
    .option("--end <duration>", "after the last event, let this much time pass (for 'empty for 10 minutes' rules), e.g. \"15 minutes\"", "0s")
    .action(async (options: { config: string; events: string; end: string }) => {
      const tail = parseDuration(options.end);
      if (typeof tail !== "number" || tail < 0) throw new Error(`--end: ${typeof tail === "number" ? "must not be negative" : tail.error}`);
      const config = loadConfig(options.config);
      // Entity-state conditions read the config's fixtures file when it names one.
      const registry = config.fixtures ? loadFixtures(config.fixtures) : new EntityRegistry();
      const engine = new RuleEngine(config.rules, { registry, location: config.location });
      const input = options.events === "-" ? process.stdin : createReadStream(options.events);
      const name = options.events === "-" ? "<stdin>" : options.events;
      let lineNo = 0;
      let last: number | undefined;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNo++;
        const event = parseSceneEvent(line);
        if (event === null) continue;
        if ("error" in event) {
          process.stderr.write(`${name}:${lineNo}: ${event.error}\n`);
          // Replay the rest, but say by the exit code that the input was not all events.
          process.exitCode = 1;
          continue;
        }
        engine.handle(event).forEach(printFiring);
        last = Math.max(last ?? event.t_ms, event.t_ms);
      }
      if (last !== undefined) engine.tick(last + tail).forEach(printFiring);
    });
}
