/**
 * Soak: `hearth run` (a child process, as systemd runs it) against a private
 * mosquitto and the simulated home, fed recorded typed commands from a file
 * over its MQTT text topic as fast as it answers them (a closed loop, far
 * faster than a home talks), with broker restarts along the way. Samples the
 * agent's RSS and live handles through its status socket and reports RSS
 * growth after warm-up (target < 5 %), handles that grew, command latency
 * and lost commands. Audio and video join when those pipelines are wired
 * into `hearth run`.
 *
 * Run: npx tsx bench/soak.ts [--duration 30m] [--commands FILE.jsonl]
 *        [--restart-every 10m|0] [--sample-every 5s] [--warmup 3m] [--rate 200|0] [--no-broker-nodelay]
 * Writes reports/soak.md and reports/soak.json.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { startSimulatedHome } from "../agent/demo/simulated-devices.ts";
import { fetchStatus } from "../agent/service/status-server.ts";
import { Mosquitto } from "../test/helpers/mosquitto.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `30m`, `90s`, `1h`, `500ms` or plain seconds → ms. */
function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`${flag}: expected a duration like 30m, 90s or 500ms, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"]!;
  return Number(match[1]) * unit;
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}

const durationMs = parseDuration(flag("duration", "30m"), "--duration");
const commandsFile = flag("commands", join(root, "bench", "data", "soak-commands.jsonl"));
const restartEveryMs = parseDuration(flag("restart-every", String(Math.round(durationMs / 3 / 1000))), "--restart-every");
const sampleEveryMs = parseDuration(flag("sample-every", durationMs >= 600_000 ? "10s" : "2s"), "--sample-every");
/** Commands per second at most (0: as fast as the agent answers); the default spares a shared machine. */
const rate = Number(flag("rate", "200"));
if (!Number.isFinite(rate) || rate < 0) throw new Error(`--rate: expected commands per second (0 = unlimited), got ${flag("rate", "")}`);
const brokerNoDelay = !process.argv.includes("--no-broker-nodelay");
const warmupMs = parseDuration(flag("warmup", String(Math.max(30, Math.round(durationMs / 10 / 1000)))), "--warmup");

interface Command {
  text: string;
  area?: string;
}

function readCommands(file: string): Command[] {
  return readFileSync(file, "utf8").split("\n").flatMap((line, i) => {
    if (!line.trim()) return [];
    const parsed = JSON.parse(line) as { text?: unknown; area?: unknown; context?: { area?: unknown } };
    if (typeof parsed.text !== "string") throw new Error(`${file}:${i + 1}: text: expected a string`);
    const area = typeof parsed.area === "string" ? parsed.area : typeof parsed.context?.area === "string" ? parsed.context.area : undefined;
    return [{ text: parsed.text, area }];
  });
}

interface Sample {
  t_s: number;
  rss_bytes: number;
  heap_used_bytes: number;
  active_resources: Record<string, number>;
  broker: string;
}

interface AgentStatus {
  broker: { state: string };
  process: { rss_bytes: number; heap_used_bytes: number; active_resources: Record<string, number> };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

async function main(): Promise<void> {
  const commands = readCommands(commandsFile);
  const dir = mkdtempSync(join(tmpdir(), "hearth-soak-"));
  // mosquitto's set_tcp_nodelay: without it the broker's Nagle delays hold every reply ~40 ms (see the README).
  const broker = await Mosquitto.start({ persistence: true, listenerLines: brokerNoDelay ? ["set_tcp_nodelay true"] : [] });
  const home = await startSimulatedHome({ url: broker.url, garageTravelMs: 200 });
  const socket = join(dir, "status.sock");
  const configFile = join(dir, "hearth.yaml");
  writeFileSync(configFile, JSON.stringify({
    agent: { id: "soak" },
    mqtt: { port: broker.port, reconnect_min_ms: 200, reconnect_max_ms: 2000 },
    service: { status_socket: socket },
  }));
  const agent = spawn(process.execPath, ["--import", "tsx", join(root, "agent/cli/main.ts"), "run", "--config", configFile], {
    cwd: root, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, HEARTH_LOG_LEVEL: "warn" },
  });
  let agentLog = "";
  agent.stderr!.on("data", (c: Buffer) => (agentLog = (agentLog + c.toString()).slice(-50_000)));
  const status = async () => (await fetchStatus(socket, 5000)) as AgentStatus;
  const waitConnected = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const s = await status().catch(() => undefined);
      if (s?.broker.state === "connected") return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the agent did not connect within ${ms} ms:\n${agentLog.slice(-3000)}`);
  };
  await waitConnected(30_000);

  const driver = await mqtt.connectAsync(broker.url, { clientId: "hearth-soak-driver", reconnectPeriod: 200 });
  const waiters: ((payload: string) => void)[] = [];
  driver.on("message", (_topic, payload) => waiters.shift()?.(payload.toString()));
  await driver.subscribeAsync("hearth/soak/events", { qos: 1 });

  const started = Date.now();
  const deadline = started + durationMs;
  const samples: Sample[] = [];
  const latenciesMs: number[] = [];
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let lost = 0;
  let restarts = 0;

  const sampler = setInterval(() => {
    status()
      .then((s) => samples.push({ t_s: (Date.now() - started) / 1000, ...s.process, broker: s.broker.state }))
      .catch(() => undefined);
  }, sampleEveryMs);
  const restarter = restartEveryMs > 0 ? setInterval(() => {
    if (Date.now() + restartEveryMs / 2 > deadline) return;
    restarts++;
    void broker.restart();
  }, restartEveryMs) : undefined;

  const progressEvery = Math.max(10_000, Math.round(durationMs / 20));
  let nextProgress = started + progressEvery;
  while (Date.now() < deadline) {
    if (!driver.connected) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (rate > 0) {
      const due = started + (sent * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const command = commands[sent % commands.length]!;
    const t0 = performance.now();
    const event = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        resolve(undefined);
      }, 5000);
      const waiter = (payload: string) => {
        clearTimeout(timer);
        resolve(payload);
      };
      waiters.push(waiter);
    });
    driver.publish("hearth/soak/text", JSON.stringify(command), { qos: 1 });
    sent++;
    const payload = await event;
    if (payload === undefined) {
      lost++;
      // The broker is probably restarting: wait for the agent before going on.
      await waitConnected(60_000);
      continue;
    }
    latenciesMs.push(performance.now() - t0);
    const parsed = JSON.parse(payload) as { type: string; error?: string };
    const outcome = parsed.error ? `error:${parsed.error}` : parsed.type;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (Date.now() >= nextProgress) {
      nextProgress += progressEvery;
      const last = samples.at(-1);
      process.stderr.write(`soak: ${Math.round((Date.now() - started) / 1000)} s, ${sent} commands, ${lost} lost, ${restarts} broker restarts, RSS ${last ? (last.rss_bytes / 2 ** 20).toFixed(1) : "?"} MiB\n`);
    }
  }
  clearInterval(sampler);
  if (restarter) clearInterval(restarter);
  // Quiet for a moment so in-flight work finishes before the final look at handles.
  await new Promise((r) => setTimeout(r, 2000));
  const final = await status();
  samples.push({ t_s: (Date.now() - started) / 1000, ...final.process, broker: final.broker.state });

  const stopStarted = Date.now();
  const exited = new Promise<number | null>((resolve) => agent.once("exit", (code) => resolve(code)));
  agent.kill("SIGTERM");
  const exitCode = await exited;
  const stopMs = Date.now() - stopStarted;
  await driver.endAsync();
  await home.stop();
  await broker.dispose();
  rmSync(dir, { recursive: true, force: true });

  // Medians over a window (a tenth of the run, at least three samples) at each end: the heap's
  // garbage-collection sawtooth is tens of MiB at this pace, larger than the growth looked for.
  const windowS = Math.max((3 * sampleEveryMs) / 1000, durationMs / 10 / 1000);
  const endS = samples.at(-1)!.t_s;
  const baseline = samples.filter((s) => s.t_s * 1000 >= warmupMs && s.t_s * 1000 < warmupMs + windowS * 1000);
  const ending = samples.filter((s) => s.t_s >= endS - windowS);
  const rssBase = median(baseline.map((s) => s.rss_bytes));
  const rssEnd = median(ending.map((s) => s.rss_bytes));
  const growthPct = (100 * (rssEnd - rssBase)) / rssBase;
  const handlesBase = baseline[0]?.active_resources ?? {};
  const handlesEnd = final.process.active_resources;
  const grown = Object.keys({ ...handlesBase, ...handlesEnd })
    .filter((k) => (handlesEnd[k] ?? 0) > (handlesBase[k] ?? 0))
    .map((k) => ({ kind: k, after_warmup: handlesBase[k] ?? 0, end: handlesEnd[k] ?? 0 }));
  const wallS = (Date.now() - started) / 1000;
  const report = {
    duration_s: durationMs / 1000,
    broker_tcp_nodelay: brokerNoDelay,
    warmup_s: warmupMs / 1000,
    commands_file: commandsFile,
    commands_sent: sent,
    rate_limit_per_s: rate,
    commands_per_s: Number((sent / (durationMs / 1000)).toFixed(1)),
    // At 200 typed or spoken commands a day, a busy household.
    home_days_equivalent: Number((sent / 200).toFixed(0)),
    lost,
    broker_restarts: restarts,
    outcomes,
    latency_ms: { p50: Number(percentile(latenciesMs, 50).toFixed(1)), p95: Number(percentile(latenciesMs, 95).toFixed(1)), p99: Number(percentile(latenciesMs, 99).toFixed(1)), max: Number(latenciesMs.reduce((a, b) => Math.max(a, b), 0).toFixed(1)) },
    rss_mib: { after_warmup: Number((rssBase / 2 ** 20).toFixed(1)), end: Number((rssEnd / 2 ** 20).toFixed(1)), growth_pct: Number(growthPct.toFixed(2)), target_pct: 5, ok: growthPct < 5 },
    handles: { after_warmup: handlesBase, end: handlesEnd, grown, ok: grown.length === 0 },
    sigterm: { exit_code: exitCode, stop_ms: stopMs },
    samples,
    wall_s: Number(wallS.toFixed(1)),
  };
  mkdirSync(join(root, "reports"), { recursive: true });
  writeFileSync(join(root, "reports", "soak.json"), JSON.stringify(report, null, 2) + "\n");
  const md = [
    `# Soak: hearth run for ${report.duration_s} s (warm-up ${report.warmup_s} s; broker TCP_NODELAY ${brokerNoDelay ? "on" : "off"})`,
    "",
    `- commands: ${sent} from ${commandsFile} (${report.commands_per_s}/s, about ${report.home_days_equivalent} home-days at 200 a day); lost: ${lost} (during ${restarts} broker restarts)`,
    `- outcomes: ${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `- latency, command published → its event received (two trips through the broker): p50 ${report.latency_ms.p50} ms, p95 ${report.latency_ms.p95} ms, p99 ${report.latency_ms.p99} ms, max ${report.latency_ms.max} ms`,
    `- RSS (medians over ${windowS} s windows): ${report.rss_mib.after_warmup} MiB after warm-up → ${report.rss_mib.end} MiB at the end: ${report.rss_mib.growth_pct >= 0 ? "+" : ""}${report.rss_mib.growth_pct} % (target < 5 %: ${report.rss_mib.ok ? "met" : "MISSED"})`,
    `- handles after warm-up ${JSON.stringify(handlesBase)}, at the end ${JSON.stringify(handlesEnd)}: ${grown.length ? `GREW: ${grown.map((g) => `${g.kind} ${g.after_warmup}→${g.end}`).join(", ")}` : "none grew"}`,
    `- SIGTERM: exit code ${exitCode} after ${stopMs} ms`,
    "",
  ].join("\n");
  writeFileSync(join(root, "reports", "soak.md"), md);
  process.stdout.write(md);
  if (!report.rss_mib.ok || !report.handles.ok || exitCode !== 0) process.exitCode = 1;
}

await main();
