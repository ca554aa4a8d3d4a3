/**
 * `hearth events search|show`: the visual memory from the command line. Reads
 * the database of `memory.path` (read-only, so it runs beside the service).
 */
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import { memoryPaths } from "../config/memory.ts";
import { toFilter } from "../memory/query.ts";
import { MemoryStore, type EventFilter, type MemoryEvent } from "../memory/store.ts";
import { readTextQuery } from "../memory/text-query.ts";
import type { Config } from "../config/schema.ts";
import { EntityRegistry } from "../../devices/registry.ts";
import { IntentRecognizer } from "../intent/recognizer.ts";
import { buildSentenceSet } from "../intent/sentence-set.ts";
import { Coverage } from "../vision/coverage.ts";

/**
 * The filter of `--text` ("the cat in the garden yesterday"), read with the
 * question sentences over the config's areas, cameras and zones.
 * @throws Error saying what the search understands when the text cannot be read.
 */
function textFilter(text: string, config: Config): EventFilter {
  const registry = new EntityRegistry();
  for (const area of config.areas) registry.addArea({ id: area.id ?? area.name, name: area.name, aliases: area.aliases });
  for (const area of new Set(config.cameras.flatMap((c) => [c.area, ...c.zones.map((z) => z.area)]))) if (!registry.findArea(area)) registry.addArea({ id: area, name: area, aliases: [] });
  const recognizer = new IntentRecognizer(buildSentenceSet(registry, [], config.cameras.flatMap((c) => c.zones.map((z) => z.name))));
  const read = readTextQuery(text, recognizer, Coverage.fromConfig(config.cameras), Date.now(), config.location?.time_zone);
  if ("error" in read) throw new Error(`--text: ${read.error}`);
  return read.filter;
}

function configOf(options: { config?: string }): Config {
  return options.config ? loadConfig(options.config) : parseConfig({});
}

function openStore(options: { config?: string; db?: string }): MemoryStore {
  const config = configOf(options);
  return new MemoryStore(options.db ?? memoryPaths(config.memory).db, { readonly: true });
}

function line(e: MemoryEvent): string {
  const when = new Date(e.start_ms).toISOString().replace("T", " ").slice(0, 19);
  const duration = e.end_ms === null ? "ongoing" : `${((e.end_ms - e.start_ms) / 1000).toFixed(1)} s`;
  return `${e.id}  ${when}  ${duration.padStart(8)}  ${e.label.padEnd(10)} ${e.areas.join(", ")}${e.zones.length ? ` [${e.zones.join(", ")}]` : ""}  ${e.camera}  ${Math.round(e.top_score * 100)}%${e.stationary ? "  stationary" : ""}`;
}

export function registerEventsCommand(program: Command): void {
  const events = program.command("events").description("search the visual memory (what the cameras saw)");
  events
    .command("search")
    .description("events newest first, filtered by label, area, zone and time")
    .option("-c, --config <file>", "config file (its memory.path)")
    .option("--db <file>", "memory database (overrides the config)")
    .option("--label <label...>", "COCO label(s): person, cat, dog, car, ...")
    .option("--area <area>", "HA area")
    .option("--zone <zone>", "camera zone")
    .option("--camera <name>", "camera")
    .option("--since <duration>", "this long back from now: 90s, 30m, 24h, 7d")
    .option("--from <time>", "ISO 8601 time or epoch ms")
    .option("--to <time>", "ISO 8601 time or epoch ms")
    .option("--text <query>", 'free text read like a question: "the cat in the garden yesterday"')
    .option("--limit <n>", "most events", (v) => Number(v), 100)
    .option("--json", "one JSON array")
    .action((options: { config?: string; db?: string; label?: string[]; area?: string; zone?: string; camera?: string; since?: string; from?: string; to?: string; text?: string; limit: number; json?: boolean }) => {
      // The explicit options, when given, narrow what the text said.
      const filter = { ...(options.text ? textFilter(options.text, configOf(options)) : {}), ...toFilter(options) };
      const store = openStore(options);
      try {
        const found = store.search(filter);
        process.stdout.write(options.json ? JSON.stringify(found, null, 2) + "\n" : found.map(line).join("\n") + (found.length ? "\n" : "no events\n"));
      } finally {
        store.close();
      }
    });
  events
    .command("show <id>")
    .description("one event with its snapshot and thumbnail paths")
    .option("-c, --config <file>", "config file (its memory.path)")
    .option("--db <file>", "memory database (overrides the config)")
    .action((id: string, options: { config?: string; db?: string }) => {
      const store = openStore(options);
      try {
        const event = store.get(id);
        if (!event) throw new Error(`no event ${id} in ${store.path}`);
        process.stdout.write(JSON.stringify(event, null, 2) + "\n");
      } finally {
        store.close();
      }
    });
}
