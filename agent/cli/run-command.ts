/**
 * `hearth run --config FILE`: the long-running service. Start order: status
 * socket and metrics first (so `hearth status` answers while the broker is
 * still missing), then the agent; READY=1 once it is connected. SIGTERM and
 * SIGINT stop everything and publish `offline` within the 5 s systemd allows.
 */
import type { Command } from "commander";
import { loadConfig, parseConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import type { SessionEvent } from "../controller/types.ts";
import { logger } from "../log.ts";
import { Agent } from "../service/agent.ts";
import { AgentMetrics } from "../service/metrics.ts";
import { redact } from "../service/redact.ts";
import { SystemdNotifier } from "../service/sd-notify.ts";
import { VisionExtension } from "../service/vision-extension.ts";
import { VoiceExtension } from "../service/voice-extension.ts";
import { listenToMicrophones } from "../voice/listen.ts";
import { serveStatus, statusSocketPath } from "../service/status-server.ts";

const log = logger("cli/run");
const SHUTDOWN_LIMIT_MS = 5000;

/** Secrets from the config, so that redaction also catches them inside free text. */
export function configSecrets(config: Config): string[] {
  return [config.mqtt.password].filter((s): s is string => typeof s === "string");
}

/**
 * Start the service. Resolves once the status socket and metrics listen;
 * `ready` resolves when the broker is connected (the session retries with
 * backoff until then), `stop` shuts everything down in order.
 */
export async function runService(config: Config, configFile?: string): Promise<{ agent: Agent; ready: Promise<void>; stop: () => Promise<void> }> {
  const notifier = new SystemdNotifier();
  const metrics = new AgentMetrics({ processMetrics: true });
  const agent = new Agent(config, { textTopic: true, announce: true, configFile });
  const started = Date.now();
  const lastEvents: SessionEvent[] = [];
  agent.on("event", (event) => {
    lastEvents.push(event);
    if (lastEvents.length > 10) lastEvents.shift();
    metrics.commands.inc({ origin: event.origin.kind, intent: event.intent ?? "none", outcome: event.error ? "error" : event.type });
    if (event.messages.length) metrics.published.inc({ kind: "command" }, event.messages.length);
  });
  agent.session?.on("state", (state) => {
    if (state === "reconnecting") metrics.reconnects.inc({ what: "mqtt" });
    void notifier.status(`broker ${state}`);
  });
  const secrets = configSecrets(config);
  const snapshot = () =>
    redact(
      {
        agent: config.agent.id,
        pid: process.pid,
        uptime_s: Math.round((Date.now() - started) / 1000),
        broker: { endpoint: agent.session?.endpoint, state: agent.session?.state, protocol: agent.session?.protocolVersion === 4 ? "3.1.1" : "5" },
        controller: agent.controllerState,
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

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await notifier.stopping();
      const timer = setTimeout(() => {
        log.error("shutdown took longer than 5 s; exiting anyway");
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS);
      timer.unref();
      vision?.stop();
      listening.abort();
      voice?.close();
      await agent.stop();
      statusServer.close();
      metricsServer?.close();
      clearTimeout(timer);
    })());

  const vision = config.cameras.length || config.rules.length ? new VisionExtension(agent, config.cameras) : undefined;
  await vision?.prepare();
  const voice = config.audio.microphones.length ? new VoiceExtension(agent, { speak: true }) : undefined;
  const micStates: Record<string, string> = {};
  const listening = new AbortController();
  const ready = (async () => {
    await agent.start();
    await vision?.start();
    if (voice) {
      await agent.settle();
      await voice.prepare();
      void (async () => {
        const events = listenToMicrophones(config, {
          recognize: voice.recognize,
          signal: listening.signal,
          onState: (mic, state, error) => {
            micStates[mic] = error ? `${state}: ${error.message}` : state;
            if (state === "restarting") metrics.reconnects.inc({ what: `microphone:${mic}` });
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
    notifier.startWatchdog(() => ({ healthy: true, stale: [] }));
  })();
  return { agent, ready, stop };
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
