/** `hearth status`: ask the running agent (over its status socket) what it is doing. */
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import { fetchStatus, statusSocketPath } from "../service/status-server.ts";

interface Status {
  agent: string;
  pid: number;
  uptime_s: number;
  broker: { endpoint?: string; state?: string; protocol?: string; last_error?: string };
  health?: { pipelines: { name: string; silent_ms: number; stall_after_ms: number; stale: boolean }[]; event_loop_max_delay_ms: number };
  process?: { rss_bytes: number; heap_used_bytes: number };
  controller: string;
  entities: number;
  last_events: { t: string; text: string; intent: string | null; response: string; error?: string }[];
  [key: string]: unknown;
}

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("show the running agent's state: broker, controller, sources, last events")
    .option("-c, --config <file>", "config of the agent to ask (for its id and socket)")
    .option("--socket <path>", "status socket path")
    .option("--json", "print the raw JSON")
    .action(async (options: { config?: string; socket?: string; json?: boolean }) => {
      const config = options.config ? loadConfig(options.config) : parseConfig({});
      const socket = options.socket ?? config.service.status_socket ?? statusSocketPath(config.agent.id);
      const status = (await fetchStatus(socket)) as Status;
      if (options.json) {
        process.stdout.write(JSON.stringify(status) + "\n");
        return;
      }
      const lines = [
        `agent ${status.agent} (pid ${status.pid}), up ${status.uptime_s} s`,
        `broker ${status.broker.endpoint ?? "-"}: ${status.broker.state ?? "none"} (MQTT ${status.broker.protocol})`,
        `controller: ${status.controller}; ${status.entities} entities`,
      ];
      if (status.broker.last_error) lines.push(`  last error: ${status.broker.last_error}`);
      if (status.health) {
        const pipelines = status.health.pipelines.map((p) => `${p.name} ${p.stale ? "STALE" : "ok"} (${(p.silent_ms / 1000).toFixed(1)} s since progress, limit ${p.stall_after_ms / 1000} s)`);
        lines.push(`pipelines: ${pipelines.length ? pipelines.join("; ") : "none watched"}; event loop max delay ${status.health.event_loop_max_delay_ms} ms`);
      }
      if (status.process) lines.push(`memory: RSS ${(status.process.rss_bytes / 2 ** 20).toFixed(1)} MiB, heap ${(status.process.heap_used_bytes / 2 ** 20).toFixed(1)} MiB`);
      for (const [key, value] of Object.entries(status)) {
        if (["agent", "pid", "uptime_s", "broker", "controller", "entities", "last_events", "config", "health", "process"].includes(key)) continue;
        if (value === undefined) continue;
        lines.push(`${key}: ${JSON.stringify(value)}`);
      }
      lines.push("last events:");
      for (const e of status.last_events) lines.push(`  ${e.t}  "${e.text}" → ${e.intent ?? "not understood"}: ${e.response}${e.error ? ` (${e.error})` : ""}`);
      process.stdout.write(lines.join("\n") + "\n");
    });
}
