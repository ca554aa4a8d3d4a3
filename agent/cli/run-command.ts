/**
 * `hearth run --config FILE`: the long-running service. Start order: status
 * socket and metrics first (so `hearth status` answers while the broker is
 * still missing), then the agent; READY=1 once it is connected. SIGTERM and
 * SIGINT stop everything and publish `offline` within the 5 s systemd allows.
 */
import type { Command } from "commander";
import { ConfigError, loadConfig, parseConfig } from "../config/load.ts";
import { referencedFileProblems } from "../config/referenced-files.ts";
import type { Config } from "../config/schema.ts";
import type { SessionEvent } from "../controller/types.ts";
import { logger } from "../log.ts";
import { HealthRegistry } from "../service/health.ts";
import { Agent } from "../service/agent.ts";
import { AgentMetrics } from "../service/metrics.ts";
import { redact } from "../service/redact.ts";
import { configSecrets } from "../service/secrets.ts";
import { SystemdNotifier } from "../service/sd-notify.ts";
import { VisionExtension } from "../service/vision-extension.ts";
import { VoiceExtension } from "../service/voice-extension.ts";
import { listenToMicrophones } from "../voice/listen.ts";
import { FRAME_MS } from "../audio/source.ts";
import { allInferenceMetrics } from "../../models/metrics.ts";
import { serveStatus, statusSocketPath } from "../service/status-server.ts";
import { serveWeb } from "../web/server.ts";
import { LiveIntentRecognizer } from "../intent/recognizer.ts";
import { readTextQuery } from "../memory/text-query.ts";

const log = logger("cli/run");
const SHUTDOWN_LIMIT_MS = 5000;

/** Memory and live handles (sockets, timers, ...) of this process, for status and leak checks. */
function processSnapshot(): { rss_bytes: number; heap_used_bytes: number; active_resources: Record<string, number> } {
  const memory = process.memoryUsage();
  const active_resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) active_resources[kind] = (active_resources[kind] ?? 0) + 1;
  return { rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed, active_resources };
}

/**
 * A live source (microphone, camera) is judged while it runs or restarts: a
 * running source must deliver frames within the stall limit, a restarting one
 * must get through its backoff (`restartingLimitMs`). Stopped, failed or ended
 * sources are not judged (a failed one is reported in status and logs).
 */
function watchSource(health: HealthRegistry, name: string, state: string, restartingLimitMs: number): void {
  if (state === "running" || state === "starting") health.watch(name);
  else if (state === "restarting") health.watch(name, { stallAfterMs: restartingLimitMs });
  else {
    health.unwatch(name);
    return;
  }
  health.progress(name);
}

/**
 * Register the agent's pipelines with the health registry: the MQTT session
 * while it is connecting, connected or retrying (its limit covers a keepalive
 * round and the longest backoff, its normal silences), the controller while a
 * command session is open.
 */
function watchPipelines(agent: Agent, health: HealthRegistry, config: Config): void {
  const session = agent.session;
  if (session) {
    const mqttLimit = Math.max(config.service.stall_after_ms, config.mqtt.keepalive_s * 1500, config.mqtt.reconnect_max_ms * 1.5);
    const onState = (state: string) => {
      if (state === "connecting" || state === "connected" || state === "reconnecting") {
        health.watch("mqtt", { stallAfterMs: mqttLimit });
        health.progress("mqtt");
      } else health.unwatch("mqtt");
    };
    onState(session.state);
    session.on("state", onState);
    // A closed session (stopping, or taken over by a newer hearth with this id) is not judged: a late
    // packet must not start watching it again, or the watchdog would restart a hearth that rightly stopped.
    const progress = () => {
      if (session.state !== "closed") health.progress("mqtt");
    };
    session.on("activity", progress);
    session.on("reconnecting", progress);
  }
  // A session may legitimately wait for "yes" or for the answer to a question that long.
  const controllerLimit = config.service.stall_after_ms + Math.max(config.agent.confirmation_timeout_ms, config.agent.clarification_timeout_ms);
  agent.onControllerState((state) => {
    if (state === "idle") health.unwatch("controller");
    else {
      health.watch("controller", { stallAfterMs: controllerLimit });
      health.progress("controller");
    }
  });
}

/**
 * Start the service. Resolves once the status socket and metrics listen;
 * `ready` resolves when the broker is connected (the session retries with
 * backoff until then), `stop` shuts everything down in order.
 */
export async function runService(config: Config, configFile?: string): Promise<{ agent: Agent; ready: Promise<void>; stop: () => Promise<void> }> {
  const missing = referencedFileProblems(config);
  if (missing.length) throw new ConfigError(configFile ?? "<config>", missing);
  const notifier = new SystemdNotifier();
  const metrics = new AgentMetrics({ processMetrics: true });
  const agent = new Agent(config, { textTopic: true, announce: true, configFile, keepTimers: true, journalCommands: true, speak: true });
  const health = new HealthRegistry(config.service.stall_after_ms);
  watchPipelines(agent, health, config);
  metrics.watchHealth(health);
  const started = Date.now();
  const lastEvents: SessionEvent[] = [];
  agent.on("event", (event) => {
    lastEvents.push(event);
    if (lastEvents.length > 10) lastEvents.shift();
    metrics.commands.inc({ origin: event.origin.kind, intent: event.intent ?? "none", outcome: event.error ? "error" : event.type });
    if (event.error) metrics.errors.inc({ component: "controller" });
    if (event.messages.length) metrics.published.inc({ kind: "command" }, event.messages.length);
  });
  agent.on("handled", (event, seconds) => metrics.latency.observe({ origin: event.origin.kind }, seconds));
  agent.session?.on("state", (state) => {
    void notifier.status(`broker ${state}`);
  });
  agent.session?.on("reconnecting", () => metrics.reconnects.inc({ what: "mqtt" }));
  agent.session?.on("disconnected", () => metrics.errors.inc({ component: "mqtt" }));
  const secrets = configSecrets(config);
  const vision = config.cameras.length || config.rules.length ? new VisionExtension(agent, config.cameras) : undefined;
  const voice = config.audio.microphones.length ? new VoiceExtension(agent, { speak: true }) : undefined;
  const micStates: Record<string, string> = {};
  const listening = new AbortController();
  const snapshot = () =>
    redact(
      {
        agent: config.agent.id,
        pid: process.pid,
        uptime_s: Math.round((Date.now() - started) / 1000),
        broker: { endpoint: agent.session?.endpoint, state: agent.session?.state, protocol: agent.session?.protocolVersion === 4 ? "3.1.1" : "5", last_error: agent.session?.lastError },
        controller: agent.controllerState,
        health: health.snapshot(),
        process: processSnapshot(),
        models: allInferenceMetrics().map((m) => ({ model: m.model, provider: m.provider, ...m.stats() })),
        entities: agent.registry.all().length,
        occupancy: vision ? Object.fromEntries(vision.occupancy()) : undefined,
        microphones: voice ? micStates : undefined,
        last_events: lastEvents,
        config,
      },
      secrets,
    );
  const socket = config.service.status_socket ?? statusSocketPath(config.agent.id);
  const statusServer = await serveStatus(socket, snapshot);
  const metricsServer = config.service.metrics ? (await metrics.serve(config.service.metrics.host, config.service.metrics.port)).server : undefined;
  // The search box reads its text with the question sentences, over the same names as the agent.
  const queryRecognizer = config.web.listen ? new LiveIntentRecognizer(agent.registry, [], { cameraZones: config.cameras.flatMap((c) => c.zones.map((z) => z.name)) }) : undefined;
  const web = config.web.listen
    ? await serveWeb({ ...config.web, listen: config.web.listen }, {
        title: `${config.agent.name} · ${config.agent.id}`,
        store: () => vision?.memory?.store,
        cameras: () => config.cameras.map((c) => ({ name: c.name, area: c.area })),
        labels: () => vision?.coverage.labels() ?? [],
        areas: () => vision?.coverage.areas() ?? [],
        latestSnapshot: (camera) => vision?.latestSnapshots.get(camera),
        occupancy: () => vision?.occupancy() ?? new Map(),
        recent: () => lastEvents.filter((e) => e.type === "command").map((e) => ({ text: e.text, response: e.response, t: e.t })).reverse(),
        readQuery: (text) => (vision ? readTextQuery(text, queryRecognizer!, vision.coverage, Date.now(), config.location?.time_zone) : { error: "no cameras are configured" }),
        timeZone: config.location?.time_zone,
      })
    : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await notifier.stopping();
      const timer = setTimeout(() => {
        log.error("shutdown took longer than 5 s; exiting anyway");
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS);
      timer.unref();
      await vision?.stop();
      listening.abort();
      voice?.close();
      await agent.stop();
      health.close();
      statusServer.close();
      metricsServer?.close();
      await web?.close();
      queryRecognizer?.close();
      clearTimeout(timer);
    })());

  if (vision) {
    vision.onFrame = (camera) => {
      health.progress(`camera:${camera}`);
      metrics.frames.inc({ camera });
    };
    vision.onEvent = (event) => {
      if (event.type !== "camera") return;
      if (event.state === "restarting") metrics.reconnects.inc({ what: `camera:${event.camera}` });
      // A camera restarts with backoff up to 60 s (agent/camera/frame-source.ts).
      watchSource(health, `camera:${event.camera}`, event.state, Math.max(config.service.stall_after_ms, 90_000));
    };
  }
  await vision?.prepare();
  // Pinging from the start: systemd may enforce the watchdog before READY=1, and start-up waits for the broker.
  notifier.startWatchdog(() => health.check());
  const ready = (async () => {
    await agent.start();
    // Off the command path: the fallback's training runs on a worker thread while commands are already served.
    void agent.prepareFallback();
    await vision?.start();
    if (voice) {
      await agent.settle();
      await voice.prepare();
      void (async () => {
        const events = listenToMicrophones(config, {
          recognize: voice.recognize,
          followUps: voice.followUps,
          signal: listening.signal,
          onState: (mic, state, error) => {
            micStates[mic] = error ? `${state}: ${error.message}` : state;
            if (state === "restarting") metrics.reconnects.inc({ what: `microphone:${mic}` });
            watchSource(health, `microphone:${mic}`, state, Math.max(config.service.stall_after_ms, config.audio.retry_max_ms * 1.5));
          },
          onFrame: (mic) => {
            health.progress(`microphone:${mic}`);
            metrics.audioSeconds.inc({ source: mic }, FRAME_MS / 1000);
          },
        });
        for await (const event of events) {
          if (event.type === "wake") metrics.wakeDetections.inc({ source: event.source, model: event.model });
          if (event.type === "error") metrics.errors.inc({ component: `microphone:${event.source}` });
          await voice.handle(event);
        }
      })().catch((err: Error) => log.error({ err: err.message }, "voice input stopped"));
    }
    await notifier.ready(`connected to ${agent.session?.endpoint}; ${agent.registry.all().length} entities`);
    const textTopic = config.agent.text_input.enabled ? agent.topics.text : undefined;
    const entities = agent.registry.all().length;
    log.info({ broker: agent.session?.endpoint, entities, text_topic: textTopic, status_socket: socket }, readySummary(config, agent.session?.endpoint, entities, textTopic, socket));
  })();
  return { agent, ready, stop };
}

/** The one line a person starting `hearth run` reads first: ready, which broker, where typed commands go. */
export function readySummary(config: Config, broker: string | undefined, entities: number, textTopic: string | undefined, socket: string): string {
  const inputs = [
    textTopic ? `type commands on ${textTopic}` : undefined,
    config.audio.microphones.length ? `${config.audio.microphones.length} microphone(s)` : undefined,
    config.cameras.length ? `${config.cameras.length} camera(s)` : undefined,
  ].filter(Boolean);
  return `hearth ${config.agent.id} ready: broker ${broker ?? "(none)"}, ${entities} entities; ${inputs.join(", ") || "no inputs"}; status: hearth status (socket ${socket})`;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run the agent as a service")
    .option("-c, --config <file>", "config file (default: built-in defaults)")
    .action(async (options: { config?: string }) => {
      const config = options.config ? loadConfig(options.config) : parseConfig({});
      const service = await runService(config, options.config);
      const stopped = new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          log.info({ signal }, "stopping");
          void service.stop().then(resolve);
        };
        process.once("SIGTERM", onSignal);
        process.once("SIGINT", onSignal);
      });
      await Promise.race([service.ready, stopped]);
      await stopped;
    });
}
