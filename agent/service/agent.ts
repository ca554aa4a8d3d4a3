/**
 * The agent: owns start and stop order (Zigbee2MQTT's controller habit) and
 * wires the parts together — MQTT session, discovery consumer, registry,
 * intent recognizer, the command-session statechart, the executor and the
 * event line on `hearth/<agent_id>/events`. Voice, cameras and rules feed it
 * through `submit`; each of those is an extension that can fail alone.
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { ConfigError } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { DiscoveryConsumer } from "../../devices/discovery/consumer.ts";
import { agentTopics, DiscoveryProducer } from "../../devices/discovery/producer.ts";
import { loadFixtures } from "../../devices/fixtures.ts";
import { FINGERPRINT_TTL_MS } from "../../devices/mqtt/command-inbox.ts";
import { HandledJournal } from "../../devices/mqtt/handled-journal.ts";
import { MqttSession, type IncomingMessage } from "../../devices/mqtt/session.ts";
import { TakeoverWatch } from "./takeover.ts";
import { RecentKeys } from "../../devices/mqtt/recent-keys.ts";
import { EntityRegistry } from "../../devices/registry.ts";
import { Executor } from "../act/executor.ts";
import { PublishGuard } from "../act/publish-guard.ts";
import { SessionRunner } from "../controller/session-runner.ts";
import type { CommandOrigin, CommandRequest, SessionEvent, Understanding } from "../controller/types.ts";
import { loadCustomIntents, type CustomIntents } from "../intent/custom-intents.ts";
import { fallbackDecision } from "../controller/fallback-policy.ts";
import { LiveFallbackRecognizer } from "../intent/fallback/live.ts";
import { LiveIntentRecognizer } from "../intent/recognizer.ts";
import { loadBuiltinSentences } from "../intent/sentence-set.ts";
import { addLogSecrets, logger } from "../log.ts";
import { configureSessions } from "../../models/session.ts";
import { applyModelsConfig } from "../../models/store.ts";
import { redact } from "./redact.ts";
import { configSecrets } from "./secrets.ts";
import { createUnderstander } from "../understand.ts";
import type { VisionAnswerer } from "../vision/questions.ts";
import { loadHaCustomSentences } from "../intent/ha-custom-sentences.ts";
import { LocalIntents } from "../local/local-intents.ts";
import { planTimerFinish, type TimerFinishedEvent } from "../local/timer-finish.ts";
import { commandJournalPath } from "../config/state-dir.ts";
import { timersPath } from "../config/timers.ts";
import { TimerManager, type FinishedTimer } from "../timers/timer-manager.ts";
import { TimerStore } from "../timers/timer-store.ts";
import { Announcer } from "../voice/announcer.ts";

const log = logger("service/agent");
const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** Typed command ids remembered for deduplication: a publisher's retry comes within minutes, not days. */
const COMMAND_IDS_KEPT = 10_000;
const COMMAND_ID_TTL_MS = 60 * 60_000;

/** A typed command as parsed from the text topic. */
interface TypedCommand {
  text: string;
  area?: string;
  /** The publisher's command id (JSON `id`, else MQTT 5 Correlation Data): a second message with it is not acted on. */
  id?: string;
}

/** hearth's version (package.json), announced to HA and printed by `--version`. */
export const HEARTH_VERSION: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;


export interface AgentOptions {
  /** Compute command messages but publish none (`--dry-run`). */
  dryRun?: boolean;
  /** No broker at all: the registry comes from fixtures only (implies dryRun). */
  offline?: boolean;
  /** Seed the registry from this fixtures file (overrides `config.fixtures`). */
  fixtures?: string;
  /** Listen on `hearth/<id>/text` for typed commands (the service does; one-shot CLI commands do not). */
  textTopic?: boolean;
  /** Fail at once when the broker does not answer (CLI use) instead of retrying. */
  failFast?: boolean;
  /** Announce hearth as an HA device (the service does; one-shot CLI commands do not). */
  announce?: boolean;
  /**
   * A one-shot CLI run next to a possibly running service with the same agent
   * id: its own client id, no last will, no `online`/`offline` status and no
   * controller state, so the service's connection and status are left alone.
   */
  observer?: boolean;
  /** The config file's path, named in errors about the files it refers to. */
  configFile?: string;
  /**
   * Keep timers and delayed commands in the `timers.path` store and run them
   * (the service does; a one-shot CLI run cannot wait for a timer).
   */
  keepTimers?: boolean;
  /**
   * Keep the fingerprints of handled typed commands in the state directory
   * (devices/mqtt/handled-journal.ts), so a command the broker redelivers
   * after hearth was killed is not acted on twice (the service does).
   */
  journalCommands?: boolean;
  /** Speak finished timers and broadcasts through `tts` (the service does). */
  speak?: boolean;
}

export class Agent extends EventEmitter<{ event: [SessionEvent]; handled: [event: SessionEvent, seconds: number]; timer: [TimerFinishedEvent] }> {
  readonly registry = new EntityRegistry();
  readonly topics: ReturnType<typeof agentTopics>;
  readonly session?: MqttSession;
  readonly guard: PublishGuard;
  readonly customIntents: CustomIntents[];
  private readonly recognizer: LiveIntentRecognizer;
  private readonly fallback: LiveFallbackRecognizer | null;
  private readonly executor: Executor;
  private readonly runner: SessionRunner;
  private consumer?: DiscoveryConsumer;
  /** Answers "is anyone in the kitchen", "when did you last see the cat" (set by the vision extension). */
  visionAnswerer?: VisionAnswerer;
  /** Set by stop(): start-up steps still under way must not start anything after it. */
  private stopping = false;
  /** Handled typed commands kept across restarts (with `journalCommands`). */
  private readonly journal?: HandledJournal;
  /** hearth's own timers (with `keepTimers`). */
  readonly timers?: TimerManager;
  /** Resolves once stored timers are armed (after discovery settled, so a due delayed command finds its devices). */
  timersStarted: Promise<void> = Promise.resolve();
  private readonly announcer: Announcer;
  /** People per area from the cameras (set by the vision extension), for presence fusion. */
  occupancySource?: () => ReadonlyMap<string, number>;
  /** hearth's own HA device; later stages add components (occupancy, person counts, snapshots). */
  producer?: DiscoveryProducer;
  private readonly cleanups: (() => void)[] = [];
  /** Secret values from the config, scrubbed from events (and, through the logger, from logs). */
  private readonly secrets: string[];
  /** Ids of typed commands already handed to the controller. */
  private readonly commandIds = new RecentKeys(COMMAND_IDS_KEPT, COMMAND_ID_TTL_MS);

  /**
   * @throws ConfigError listing every fixtures or intents file the config names
   * that cannot be read or is invalid (`intents.files.0: <file>: ...`); the CLI exits 2.
   */
  constructor(readonly config: Config, readonly options: AgentOptions = {}) {
    super();
    this.secrets = configSecrets(config);
    addLogSecrets(this.secrets);
    this.topics = agentTopics(config.agent.id);
    applyModelsConfig(config.models);
    configureSessions(config.models);
    for (const floor of config.floors) this.registry.addFloor({ id: floor.id ?? floor.name, name: floor.name, aliases: floor.aliases });
    for (const area of config.areas) {
      this.registry.addArea({ id: area.id ?? area.name, name: area.name, floor: area.floor ? (this.registry.findFloor(area.floor)?.name ?? area.floor) : undefined, aliases: area.aliases });
    }
    // The cameras' areas are HA areas too, devices or not: "is anyone in the garden" must know the garden.
    for (const area of new Set(config.cameras.flatMap((c) => [c.area, ...c.zones.map((z) => z.area)]))) {
      if (!this.registry.findArea(area)) this.registry.addArea({ id: area, name: area, aliases: [] });
    }
    // Every referenced file is checked before giving up, so one start-up shows every problem.
    const problems: string[] = [];
    const fixtures = options.fixtures ?? config.fixtures;
    if (fixtures) {
      try {
        loadFixtures(fixtures, this.registry);
      } catch (err) {
        problems.push(`${options.fixtures ? "--entities" : "fixtures"}: ${(err as Error).message}`);
      }
    }
    this.customIntents = [];
    config.intents.files.forEach((file, i) => {
      try {
        this.customIntents.push(loadCustomIntents(file));
      } catch (err) {
        // The intents file's own error lines are indented under the entry that names it.
        problems.push(`intents.files.${i}: ${(err as Error).message.replace(/\n\s*/g, "\n      ")}`);
      }
    });
    if (config.intents.ha_custom_sentences) {
      try {
        this.customIntents.push(...loadHaCustomSentences(config.intents.ha_custom_sentences));
      } catch (err) {
        problems.push(`intents.ha_custom_sentences: ${(err as Error).message.replace(/\n\s*/g, "\n      ")}`);
      }
    }
    let timerStore: TimerStore | undefined;
    if (options.keepTimers) {
      try {
        timerStore = new TimerStore(timersPath(config.timers, config.agent.id));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    let journal: HandledJournal | undefined;
    if (options.journalCommands && !options.offline && !options.observer) {
      try {
        // As long as the longer of the two memories it backs: packet fingerprints and command ids.
        journal = new HandledJournal(commandJournalPath(config.agent.id), Math.max(FINGERPRINT_TTL_MS, COMMAND_ID_TTL_MS));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (problems.length) {
      timerStore?.close();
      journal?.close();
      throw new ConfigError(options.configFile ?? "<config>", problems);
    }
    if (timerStore) {
      this.timers = new TimerManager(timerStore);
      this.timers.on("finished", (finished) => {
        this.onTimerFinished(finished).catch((err: Error) => log.error({ timer: finished.timer.id, err: err.message }, "finished timer not carried out"));
      });
    }
    this.announcer = new Announcer(config);
    this.guard = new PublishGuard(this.registry, config.agent.id, config.homeassistant.discovery_prefix, config.homeassistant.confirm);
    for (const file of this.customIntents) {
      for (const intent of file.intents) if (intent.action && "mqtt" in intent.action) this.guard.allowConfigured(intent.action.mqtt.topic);
    }
    this.journal = journal;
    if (!options.offline) this.session = new MqttSession(config.mqtt, { agentId: config.agent.id, observer: options.observer, handledJournal: journal });
    // The configured wake words are names the assistant is addressed by in typed text too ("hey jarvis, lights on").
    const wakeWords = config.wakeword.models.map((m) => m.name ?? m.model.replace(/^.*[\\/]/, "").replace(/\.onnx$/i, "").replace(/^oww-/, ""));
    this.recognizer = new LiveIntentRecognizer(this.registry, this.customIntents, { assistantNames: wakeWords, cameraZones: config.cameras.flatMap((c) => c.zones.map((z) => z.name)) });
    this.executor = new Executor(this.guard, options.dryRun || options.offline ? undefined : this.session);
    this.fallback = config.intents.fallback.enabled ? new LiveFallbackRecognizer(this.registry, this.recognizer) : null;
    const local = new LocalIntents({
      timers: this.timers,
      broadcast: options.speak && this.announcer.enabled ? (message) => this.announcer.broadcast(message) : undefined,
      check: (text, origin) => understandChecked({ text, origin }),
      timeZone: config.location?.time_zone,
    });
    const understand = createUnderstander({
      registry: this.registry,
      recognizer: this.recognizer,
      fallback: this.fallback,
      fallbackThresholds: { text: config.intents.fallback.text, voice: config.intents.fallback.voice },
      defaultArea: config.agent.default_area,
      eventTopic: this.topics.intent,
      occupancy: () => this.occupancySource?.() ?? new Map(),
      vision: () => this.visionAnswerer,
      local,
    });
    const understandChecked = async (request: CommandRequest, pending?: Extract<Understanding, { kind: "clarify" }>) => this.guard.confirmationFor(await understand(request, pending));
    this.runner = new SessionRunner(
      {
        understand: understandChecked,
        act: async (work) => {
          await work.perform?.();
          return this.executor.act(work);
        },
        respond: async (event) => this.respond(event),
      },
      { confirmationTimeoutMs: config.agent.confirmation_timeout_ms, clarificationTimeoutMs: config.agent.clarification_timeout_ms },
    );
  }

  /** Call `listener` on every controller state change; returns the unsubscribe function. */
  onControllerState(listener: (state: string) => void): () => void {
    return this.runner.onState(listener);
  }

  /** The command statechart's state (idle, confirming, ...). */
  get controllerState(): string {
    return this.runner.state;
  }

  /**
   * Connect and start consuming discovery.
   * @throws MqttConnectionError when credentials or TLS are wrong (or the broker is absent with `failFast`).
   */
  /**
   * Train and calibrate the fallback recognizer on a worker thread now, and
   * after name changes that need it, rather than on the first command that
   * needs the fallback (seconds on a small CPU; the service calls this at
   * start-up, a one-shot `hearth say` builds it only if it needs it).
   * Resolves when the first build is done.
   */
  prepareFallback(): Promise<void> {
    return this.fallback?.prepare() ?? Promise.resolve();
  }

  async start(): Promise<void> {
    if (!this.session) {
      this.timers?.start();
      return;
    }
    // hearth's own announcement is not a device it controls.
    const ownConfig = `${this.config.homeassistant.discovery_prefix}/device/${this.config.agent.id}/config`;
    this.consumer = new DiscoveryConsumer(this.session, this.registry, this.config, { ignoreTopics: [ownConfig] });
    this.consumer.start();
    // What HA assumes after commanding a device that reports no state goes where the reported states go.
    this.executor.onOptimisticState((id, update) => this.registry.setState(id, update.state, update.attributes));
    if (this.options.textTopic && this.config.agent.text_input.enabled) {
      // QoS 1: a typed command is a command, not telemetry; the broker must not drop it under a burst of discovery traffic.
      // Acknowledged once handled, so a command hearth dies on is redelivered (see devices/mqtt/session.ts).
      this.cleanups.push(this.session.subscribe(this.topics.text, (message) => this.onTextMessage(message), {
        qos: 1,
        ackAfterHandling: true,
        onRefused: (message, reason) => this.refuseTextMessage(message, reason),
      }));
    }
    if (this.options.announce && this.config.homeassistant.announce) {
      this.producer = new DiscoveryProducer(this.session, {
        agentId: this.config.agent.id,
        agentName: this.config.agent.name,
        discoveryPrefix: this.config.homeassistant.discovery_prefix,
        haStatusTopic: this.config.homeassistant.status_topic,
        intents: this.intentNames(),
        version: HEARTH_VERSION,
      });
    }
    await this.session.start({ failFast: this.options.failFast });
    if (!this.options.observer) this.watchTakeover(this.session);
    await this.producer?.start();
    if (!this.options.observer) {
      this.publishOwn(this.topics.state, this.runner.state, true);
      this.cleanups.push(this.runner.onState((state) => this.publishOwn(this.topics.state, state, true)));
    }
    // A broker that restarted without persistence has lost our retained config and state: announce again.
    const session = this.session;
    const reannounce = () => {
      this.producer?.announce().catch((err: Error) => log.warn({ err: err.message }, "re-announce after reconnect failed"));
      if (!this.options.observer) this.publishOwn(this.topics.state, this.runner.state, true);
    };
    session.on("connected", reannounce);
    this.cleanups.push(() => session.off("connected", reannounce));
    log.info({ broker: this.session.endpoint }, "agent started");
    // A SIGTERM during start-up may have stopped the agent (and closed the store) before this point.
    if (this.timers) this.timersStarted = this.settle().then(() => {
      if (!this.stopping) this.timers!.start();
    });
  }

  /**
   * Resolves once discovery has been quiet for `quietMs` (retained configs and
   * their states have arrived) and the broker acknowledged every state
   * subscription (a live state change from then on is seen), or after `maxMs`.
   */
  async settle(quietMs = 300, maxMs = 3000): Promise<void> {
    const started = Date.now();
    let last = Date.now();
    const touch = () => (last = Date.now());
    this.registry.on("change", touch);
    try {
      while (Date.now() - last < quietMs && Date.now() - started < maxMs) await new Promise((r) => setTimeout(r, 25));
    } finally {
      this.registry.off("change", touch);
    }
    if (!this.session) return;
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(0, maxMs - (Date.now() - started));
    await Promise.race([this.session.subscribed(), new Promise((r) => (timer = setTimeout(r, left)))]);
    clearTimeout(timer);
  }

  /**
   * Whether the fallback recognizer reads `text` confidently enough under the
   * voice thresholds to act or to ask (config `intents.fallback.voice`): the
   * voice path hands a rejected utterance's free transcript to the controller
   * only then, so unrelated speech stays silently rejected.
   */
  fallbackHears(text: string, area: string | undefined): boolean {
    if (!this.fallback) return false;
    const [top] = this.fallback.recognize(text, { area: area ?? this.config.agent.default_area });
    return top !== undefined && fallbackDecision(top.confidence, this.config.intents.fallback.voice, top.evidence.unknownWords.length) !== "refuse";
  }

  /** Hand one utterance to the controller; resolves with the event it publishes. */
  submit(text: string, origin: CommandOrigin): Promise<SessionEvent> {
    return this.submitRequest({ text, origin });
  }

  /**
   * Hand a prepared request (a rule's intent or messages) to the controller.
   * Emits `handled` with the seconds from hand-over to the event (queueing included).
   */
  async submitRequest(request: CommandRequest): Promise<SessionEvent> {
    const started = performance.now();
    const event = await this.runner.submit(request);
    this.emit("handled", event, (performance.now() - started) / 1000);
    return event;
  }

  private async onTextMessage(message: IncomingMessage): Promise<void> {
    const command = this.parseTextMessage(message);
    if (!command) return;
    if (command.id !== undefined) {
      const key = `id\0${command.id}`;
      if (this.commandIds.has(command.id) || this.journal?.has(key)) {
        log.info({ topic: this.topics.text, id: command.id }, "typed command with an id already handled; not acted on again");
        return;
      }
      this.commandIds.add(command.id);
      this.journal?.add(key);
    }
    await this.submit(command.text, { kind: "mqtt", source: this.topics.text, area: command.area, ...(command.id !== undefined ? { id: command.id } : {}) });
  }

  /** A typed command that the session refused (too many pending): said on the events topic, never dropped silently. */
  private refuseTextMessage(message: IncomingMessage, reason: string): void {
    const command = this.parseTextMessage(message);
    if (!command) return;
    void this.respond({
      type: "refused",
      text: command.text,
      origin: { kind: "mqtt", source: this.topics.text, ...(command.area ? { area: command.area } : {}) },
      intent: null,
      slots: {},
      targets: [],
      messages: [],
      decision: "refuse",
      confidence: 0,
      response: "Sorry, I am too busy to handle that now.",
      error: `command refused: ${reason}`,
      ...(command.id !== undefined ? { id: command.id } : {}),
      t: new Date().toISOString(),
    });
  }

  /**
   * The typed command in one message on the text topic: plain text, or JSON
   * `{"text": ..., "area": ..., "id": ...}`; undefined (with a warning naming
   * the topic) when it is not one.
   */
  private parseTextMessage(message: IncomingMessage): TypedCommand | undefined {
    const payload = message.payload;
    let text: string;
    let area: string | undefined;
    let id: string | undefined;
    if (payload.length > 4000) {
      log.warn({ topic: this.topics.text, bytes: payload.length }, "typed command longer than 4000 bytes ignored");
      return;
    }
    let raw: string;
    try {
      // Fatal decoding: replacement characters would turn "turn on the <bad bytes> light" into "turn on the light".
      raw = UTF8.decode(payload);
    } catch {
      log.warn({ topic: this.topics.text, bytes: payload.length }, "typed command is not valid UTF-8; ignored");
      return;
    }
    if (raw.length > 1000) {
      log.warn({ topic: this.topics.text, bytes: payload.length }, "typed command longer than 1000 characters ignored");
      return;
    }
    try {
      const parsed: unknown = raw.trimStart().startsWith("{") ? JSON.parse(raw) : raw;
      if (typeof parsed === "string") text = parsed;
      else if (parsed && typeof parsed === "object" && typeof (parsed as { text?: unknown }).text === "string") {
        text = (parsed as { text: string }).text;
        const a = (parsed as { area?: unknown }).area;
        area = typeof a === "string" ? a : undefined;
        const i = (parsed as { id?: unknown }).id;
        if (i !== undefined && i !== null) {
          if ((typeof i !== "string" || i === "" || i.length > 200) && !Number.isSafeInteger(i)) throw new Error("id: expected a non-empty string (at most 200 characters) or an integer");
          id = String(i);
        }
      } else throw new Error("expected a string or {\"text\": ..., \"area\": ..., \"id\": ...}");
    } catch (err) {
      log.warn({ topic: this.topics.text, err: (err as Error).message }, "ignored malformed typed command");
      return;
    }
    const allowed = this.config.agent.text_input.allowed_areas;
    if (allowed && !(area && allowed.some((a) => a.toLowerCase() === area!.toLowerCase()))) {
      log.warn({ topic: this.topics.text, area }, "typed command from an area that is not allowed; ignored");
      return;
    }
    id ??= message.correlationData && message.correlationData.length > 0 ? `correlation:${message.correlationData.toString("base64")}` : undefined;
    log.debug({ topic: this.topics.text, text, area, id }, "typed command");
    if (!text.trim()) return; // clearing a retained message on the topic is not a command
    return { text: text.trim(), area, id };
  }

  /** Built-in and custom intent names: the event types of hearth's intent event entity. */
  intentNames(): string[] {
    const names = new Set(Object.keys(loadBuiltinSentences().intents));
    for (const file of this.customIntents) for (const intent of file.intents) names.add(intent.name);
    return [...names];
  }

  /** Publish on one of hearth's own topics (state, occupancy, snapshots); failures are logged. */
  publishOwn(topic: string, payload: string | Buffer, retain = false): void {
    if (!this.session) return;
    // QoS 0 is not queued while the broker is away; the retained state is published again on reconnect.
    if (!this.session.connected) {
      log.debug({ topic }, "not connected; own message dropped");
      return;
    }
    void this.session.publish({ topic, payload, qos: 0, retain }).catch((err: Error) => log.warn({ topic, err: err.message }, "cannot publish"));
  }

  private async respond(unsafe: SessionEvent): Promise<void> {
    // A typed or spoken secret (someone pasting the password) must not reach the event line.
    const event = redact(unsafe, this.secrets);
    this.emit("event", event);
    this.publishOwn(this.topics.events, JSON.stringify(event));
    // A one-shot CLI run next to the service leaves the service's retained sensors alone.
    if (event.text && !this.options.observer) this.publishOwn(this.topics.transcript, event.text.slice(0, 255), true);
    if (event.intent && event.type === "command" && !event.error) {
      this.publishOwn(this.topics.intent, JSON.stringify({ event_type: event.intent, ...event.slots }));
    }
  }

  /**
   * A timer finished: its event line, its announcement on the speaker of the
   * microphone that set it, or its delayed command handed to the controller
   * (once the controller is idle, so it is not taken as the answer to a question).
   */
  private async onTimerFinished(finished: FinishedTimer): Promise<void> {
    const plan = planTimerFinish(finished, this.config.timers.late_command_limit_s * 1000);
    this.publishOwn(this.topics.events, JSON.stringify(redact(plan.event, this.secrets)));
    this.emit("timer", plan.event);
    const origin = finished.timer.origin;
    if (plan.speak && this.options.speak) await this.announcer.say(plan.speak, origin.kind === "voice" ? origin.source : undefined);
    if (plan.command) {
      await this.untilIdle();
      await this.submitRequest({ text: plan.command, origin: { kind: "timer", source: `timer:${finished.timer.id}`, ...(origin.area ? { area: origin.area } : {}) } });
    }
  }

  /** Resolves when the controller is idle, or after the longest question it may be waiting on. */
  private untilIdle(): Promise<void> {
    if (this.runner.state === "idle") return Promise.resolve();
    const limit = this.config.agent.confirmation_timeout_ms + this.config.agent.clarification_timeout_ms + 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(done, limit);
      const off = this.runner.onState((state) => state === "idle" && done());
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Wait until every command handed to the broker is delivered. */
  flush(): Promise<void> {
    return this.executor.flush();
  }

  /** Stop in reverse order: inputs, controller, discovery, then the session (publishing `offline`). */
  /** Stop using MQTT, once and loudly, when a newer hearth with this agent id connects (agent/service/takeover.ts). */
  private watchTakeover(session: MqttSession): void {
    const watch = new TakeoverWatch(session, this.topics.instance, (other) => {
      log.error(
        { other },
        `another hearth with agent id ${this.config.agent.id} connected (pid ${other.pid} on ${other.host}, started ${new Date(other.started).toISOString()}); ` +
          `both would use client id hearth-${this.config.agent.id} and take the connection from each other, so this one stops using MQTT. Give each hearth its own agent.id.`,
      );
      void session.close({ publishOffline: false });
    });
    watch.start();
    this.cleanups.push(() => watch.stop());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.producer?.stop();
    await this.timersStarted;
    this.timers?.stop();
    this.timers?.store.close();
    this.runner.stop();
    this.recognizer.close();
    this.fallback?.close();
    this.consumer?.stop();
    // Bounded: a publish the broker never acknowledges must not hold the shutdown past systemd's stop timeout.
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([this.executor.flush().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 2000)))]);
    clearTimeout(timer);
    if (!flushed) log.warn("device commands still unacknowledged after 2 s at shutdown; stopping anyway");
    await this.session?.close({ publishOffline: true });
    this.journal?.close();
  }
}
