/**
 * `hearth devices [--config FILE] [--json] [--wait-ms N]`: connect to the
 * broker as an observer (no status, no will, the agent's session untouched),
 * collect the retained discovery configs and states for a moment, and print
 * the registry: id, name, area, state, command topic and why an entity is
 * read-only. Exit 1 with a message naming host:port when the broker cannot
 * be reached or refuses us.
 */
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import { DiscoveryConsumer } from "../../devices/discovery/consumer.ts";
import { slugify } from "../../devices/discovery/naming.ts";
import type { Entity } from "../../devices/entity.ts";
import { MqttSession } from "../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../devices/registry.ts";

interface DevicesOptions {
  config?: string;
  json?: boolean;
  waitMs: string;
}

/** The command topic to show: `command_topic`, else the first `*_command_topic`/`set_position_topic`. */
function commandTopic(entity: Entity): string | undefined {
  const config = entity.config ?? {};
  if (typeof config.command_topic === "string") return config.command_topic;
  const key = Object.keys(config).find((k) => k.endsWith("_command_topic") || k === "set_position_topic");
  return key ? String(config[key]) : undefined;
}

function row(entity: Entity) {
  return {
    id: entity.id,
    name: entity.name,
    area: entity.area ?? null,
    state: entity.available ? (entity.state ?? null) : "unavailable",
    command_topic: commandTopic(entity) ?? null,
    read_only: entity.readOnly,
    read_only_reason: entity.readOnlyReason ?? null,
  };
}

function printTable(rows: ReturnType<typeof row>[]): void {
  const header = ["ENTITY", "NAME", "AREA", "STATE", "COMMAND TOPIC"];
  const lines = rows.map((r) => [r.id, r.name, r.area ?? "-", r.state ?? "unknown", r.command_topic === null || r.read_only ? `(read-only: ${r.read_only_reason})` : r.command_topic]);
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...lines.map((l) => l[i]!.length))));
  const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  process.stdout.write(format(header) + "\n");
  for (const l of lines) process.stdout.write(format(l) + "\n");
  process.stdout.write(`${rows.length} entities\n`);
}

export function registerDevicesCommand(program: Command): void {
  program
    .command("devices")
    .description("list the Home Assistant MQTT devices discovered on the broker")
    .option("-c, --config <file>", "YAML config file (built-in defaults when omitted)")
    .option("--json", "print one JSON array instead of a table")
    .option("--wait-ms <ms>", "how long to collect retained discovery and state messages", "1500")
    .action(async (options: DevicesOptions) => {
      const config = options.config ? loadConfig(options.config) : parseConfig({});
      const waitMs = Number(options.waitMs);
      if (!Number.isFinite(waitMs) || waitMs < 0) throw new Error(`--wait-ms: expected a number of milliseconds, got ${options.waitMs}`);
      const session = new MqttSession(config.mqtt, { agentId: config.agent.id, observer: true });
      await session.start({ failFast: true });
      const registry = new EntityRegistry();
      for (const floor of config.floors) registry.addFloor({ id: floor.id ?? slugify(floor.name), name: floor.name, aliases: floor.aliases });
      for (const area of config.areas) registry.addArea({ id: area.id ?? slugify(area.name), name: area.name, floor: area.floor, aliases: area.aliases });
      const consumer = new DiscoveryConsumer(session, registry, config);
      consumer.start();
      await new Promise((r) => setTimeout(r, waitMs));
      const rows = registry.all().sort((a, b) => a.id.localeCompare(b.id)).map(row);
      await session.close();
      if (options.json) process.stdout.write(JSON.stringify(rows) + "\n");
      else printTable(rows);
    });
}
