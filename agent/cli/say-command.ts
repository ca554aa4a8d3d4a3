/**
 * `hearth say TEXT` and its batch form `hearth say --input FILE.jsonl`: runs
 * typed commands through the same controller as the service. With a broker it
 * collects discovery first and publishes for real; with `--dry-run` nothing is
 * sent, and with `--entities FIXTURES.yaml` it needs no broker at all.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import type { SessionEvent } from "../controller/types.ts";
import { Agent } from "../service/agent.ts";

interface SayOptions {
  config?: string;
  area?: string;
  input?: string;
  entities?: string;
  dryRun?: boolean;
  json?: boolean;
  waitMs: string;
}

/** The JSON line printed for one input. */
export function sayRecord(event: SessionEvent) {
  return {
    text: event.text,
    intent: event.intent,
    slots: event.slots,
    targets: event.targets,
    decision: event.decision,
    confidence: Math.round(event.confidence * 1000) / 1000,
    ...(event.recognizedBy ? { recognized_by: event.recognizedBy } : {}),
    messages: event.messages,
    response: event.response,
    ...(event.type !== "command" ? { awaiting: event.type } : {}),
    ...(event.error ? { error: event.error } : {}),
  };
}

function readInputs(file: string): { text: string; area?: string }[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const inputs: { text: string; area?: string }[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: { text?: unknown; context?: { area?: unknown } };
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(err as Error).message}`);
    }
    if (typeof parsed.text !== "string") throw new Error(`${file}:${i + 1}: text: expected a string`);
    const area = parsed.context?.area;
    inputs.push({ text: parsed.text, area: typeof area === "string" ? area : undefined });
  });
  return inputs;
}

export function registerSayCommand(program: Command): void {
  program
    .command("say")
    .description("understand typed commands and act on them (or show what would be sent)")
    .argument("[text...]", "the command, e.g. turn off the kitchen lights")
    .option("-c, --config <file>", "config file (default: built-in defaults)")
    .option("--area <area>", "area the command comes from (resolves \"the lights\")")
    .option("--input <file>", "JSON lines with {\"text\", \"context\": {\"area\"}} per line")
    .option("--entities <fixtures>", "registry from a fixtures YAML file (HA intents format) instead of discovery")
    .option("--dry-run", "compute the MQTT messages but publish nothing")
    .option("--json", "one JSON line per input")
    .option("--wait-ms <ms>", "longest wait for retained discovery before acting", "3000")
    .action(async (words: string[], options: SayOptions) => {
      const config = options.config ? loadConfig(options.config) : parseConfig({});
      const inputs = options.input ? readInputs(options.input) : [{ text: words.join(" "), area: options.area }];
      if (!inputs.length || !inputs[0]!.text.trim()) throw new Error("nothing to say: give TEXT or --input FILE");
      const offline = options.dryRun && options.entities !== undefined;
      const agent = new Agent(config, { offline, dryRun: options.dryRun, fixtures: options.entities, failFast: true, observer: true, configFile: options.config });
      await agent.start();
      if (!offline) await agent.settle(300, Number(options.waitMs));
      try {
        for (const input of inputs) {
          const event = await agent.submit(input.text, { kind: "cli", area: input.area ?? options.area });
          const record = sayRecord(event);
          if (options.json) process.stdout.write(JSON.stringify(record) + "\n");
          else {
            process.stdout.write(`${record.response || "(no response)"}\n`);
            for (const m of record.messages) process.stdout.write(`  → ${m.topic} ${m.payload} (qos ${m.qos}${m.retain ? ", retained" : ""})\n`);
          }
        }
      } finally {
        await agent.stop();
      }
    });
}
