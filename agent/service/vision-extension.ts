/**
 * Cameras as an agent extension: one CameraPipeline per configured camera,
 * occupancy and person counts per area announced as HA entities, a JPEG
 * snapshot on an MQTT `image` entity whenever occupancy changes, a "facing"
 * presence binary_sensor per camera with face detection enabled, and the scene
 * rules fed with the cameras' events. Rule actions go through the agent's
 * controller like any command, so voice and vision never fight; a command from
 * anyone else on an entity suspends the rules that touch it.
 */
import { slugify } from "../../devices/discovery/naming.ts";
import type { CameraConfig } from "../config/cameras.ts";
import type { SessionEvent } from "../controller/types.ts";
import { logger } from "../log.ts";
import { RuleEngine, type RuleFiring } from "../rules/engine.ts";
import { resolveIntent } from "../resolve/resolver.ts";
import type { CameraPipeline, Snapshot } from "../vision/camera-pipeline.ts";
import { createCamera } from "../vision/create-camera.ts";
import type { VisionEvent } from "../vision/events.ts";
import type { Agent } from "./agent.ts";
import { modelPath } from "../../models/store.ts";
import { memoryPaths } from "../config/memory.ts";
import { MemoryRecorder } from "../memory/recorder.ts";
import { MemoryStore } from "../memory/store.ts";
import { serveSearches } from "../memory/mqtt-search.ts";
import { HistoryAnswers } from "../memory/history-answers.ts";
import { Coverage } from "../vision/coverage.ts";
import { LiveAnswers } from "../vision/live-answers.ts";
import { VisionAnswerer } from "../vision/questions.ts";
import { Sightings } from "../vision/sightings.ts";

const log = logger("service/vision");

/** Rules tick at this period for duration triggers ("empty for 10 minutes"). */
const RULE_TICK_MS = 1000;

export class VisionExtension {
  private readonly pipelines: CameraPipeline[] = [];
  /** camera → area → people the camera counts now. */
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly announced = new Set<string>();
  private readonly rules?: RuleEngine;
  private ticker?: NodeJS.Timeout;
  private stopSearches?: () => void;
  private readonly running: Promise<unknown>[] = [];
  /** The visual memory (config `memory.enabled`), opened by `prepare()`. */
  memory?: { store: MemoryStore; recorder: MemoryRecorder };
  /** What the cameras track now and saw last, for the vision questions. */
  readonly sightings = new Sightings();
  /** The areas, zones and labels the cameras cover. */
  readonly coverage: Coverage;
  /** camera → the JPEG last published on its image entity (for the page). */
  readonly latestSnapshots = new Map<string, Buffer>();
  /** Called with every camera event (the `watch`-style JSON line), for status and tests. */
  onEvent?: (event: VisionEvent) => void;
  /** Called after every frame a camera got through detection (health and metrics). */
  onFrame?: (camera: string) => void;

  /** @throws RuleSetupError when a rule cannot run as configured (e.g. a sun condition without a location). */
  constructor(private readonly agent: Agent, private readonly cameras: CameraConfig[], private readonly options: { realtime?: boolean } = {}) {
    const config = agent.config;
    if (config.rules.length) {
      this.rules = new RuleEngine(config.rules, {
        registry: agent.registry,
        location: config.location,
        resolveTargets: (intent, slots) => {
          const r = resolveIntent({ intent, slots: slots as Record<string, string>, confidence: 1, unknownSlots: [], sentence: "(rule)", text: "" }, agent.registry, {});
          return r.kind === "act" ? r.targets.map((t) => t.entity.id) : [];
        },
      });
      for (const rule of config.rules) for (const action of rule.actions) if (action.kind === "mqtt") agent.guard.allowConfigured(action.message.topic);
    }
    agent.on("event", (event) => this.onSessionEvent(event));
    agent.occupancySource = () => this.occupancy();
    this.coverage = Coverage.fromConfig(cameras);
    if (cameras.length) agent.visionAnswerer = new VisionAnswerer(new LiveAnswers(this.coverage, this.sightings));
  }

  /**
   * Verify the detector model before anything connects, so a corrupt file fails start-up at once.
   * @throws ModelIntegrityError naming the path and both checksums.
   */
  async prepare(): Promise<void> {
    if (this.cameras.length) await modelPath("yolox-nano");
    if (this.cameras.some((c) => c.faces.enabled)) await modelPath("face-ulfd-rfb-320");
    const memory = this.agent.config.memory;
    if (memory.enabled && this.cameras.length && !this.memory) {
      const paths = memoryPaths(memory);
      // Throws MemoryOpenError naming the file: a damaged or locked database fails start-up.
      const store = new MemoryStore(paths.db, { onCorrupt: memory.on_corrupt });
      const recorder = new MemoryRecorder(store, { config: memory, snapshotsDir: paths.snapshots });
      // Track messages share hearth/<id>/events with the command events: they carry before/after, command events carry origin.
      recorder.onMessage = (message) => this.agent.publishOwn(this.agent.topics.events, JSON.stringify(message));
      this.memory = { store, recorder };
      const history = new HistoryAnswers(this.coverage, store, { timeZone: this.agent.config.location?.time_zone });
      this.agent.visionAnswerer = new VisionAnswerer(new LiveAnswers(this.coverage, this.sightings), history, store);
    }
  }

  /** People per area over all cameras (the largest count when several cameras watch one area). */
  occupancy(): Map<string, number> {
    const out = new Map<string, number>();
    for (const byArea of this.counts.values()) for (const [area, n] of byArea) out.set(area, Math.max(out.get(area) ?? 0, n));
    return out;
  }

  /**
   * Load the detector for every camera and start them.
   * @throws ModelIntegrityError when the detector model is missing or corrupt.
   */
  async start(): Promise<void> {
    for (const camera of this.cameras) {
      const { pipeline } = await createCamera(camera, { snapshots: true, realtime: this.options.realtime ?? true });
      pipeline.on("event", (event) => this.onVisionEvent(event));
      pipeline.on("snapshot", (snapshot) => this.onSnapshot(snapshot));
      pipeline.on("frame", () => this.onFrame?.(camera.name));
      pipeline.on("track", (update) => this.sightings.observe(update));
      if (this.memory) {
        const { recorder } = this.memory;
        pipeline.on("track", (update) => recorder.track(update));
        pipeline.on("trackSnapshot", (snapshot) => recorder.snapshot(snapshot));
      }
      this.pipelines.push(pipeline);
      this.announceCamera(camera);
      this.running.push(
        pipeline.run().then((err) => {
          if (err) log.error({ camera: camera.name, err: err.message }, "camera failed for good; the rest of the agent keeps running");
        }),
      );
    }
    if (this.memory) {
      this.memory.recorder.start();
      if (this.agent.session) this.stopSearches = serveSearches(this.agent, this.memory.store);
    }
    if (this.rules) {
      this.ticker = setInterval(() => this.fire(this.rules!.tick(Date.now())), RULE_TICK_MS);
      this.ticker.unref();
    }
  }

  /** Resolves when every camera has ended (files) or failed. */
  async finished(): Promise<void> {
    await Promise.all(this.running);
    await this.memory?.recorder.flush();
  }

  /** Stop the cameras, then commit the memory's last changes and close it. */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    for (const pipeline of this.pipelines) pipeline.stop();
    this.stopSearches?.();
    if (this.memory) {
      await Promise.all(this.running);
      await this.memory.recorder.close();
      this.memory.store.close();
      this.memory = undefined;
      this.agent.visionAnswerer = new VisionAnswerer(new LiveAnswers(this.coverage, this.sightings));
    }
  }

  private announceCamera(camera: CameraConfig): void {
    const slug = slugify(camera.name);
    this.agent.producer?.addComponent(`snapshot_${slug}`, { platform: "image", name: `${camera.name} snapshot`, image_topic: this.cameraTopic(camera.name, "snapshot"), content_type: "image/jpeg" });
    if (camera.faces.enabled) {
      this.agent.producer?.addComponent(`facing_${slug}`, {
        platform: "binary_sensor",
        name: `${camera.name} someone facing`,
        device_class: "presence",
        state_topic: this.cameraTopic(camera.name, "facing"),
        payload_on: "ON",
        payload_off: "OFF",
        icon: "mdi:face-recognition",
      });
    }
  }

  /** `hearth/<id>/camera/<camera>/<leaf>`. */
  private cameraTopic(camera: string, leaf: "snapshot" | "facing"): string {
    return `${this.agent.topics.base}/camera/${slugify(camera)}/${leaf}`;
  }

  private announceArea(area: string): { occupancy: string; count: string } {
    const slug = slugify(area);
    const base = `${this.agent.topics.base}/area/${slug}`;
    const topics = { occupancy: `${base}/occupancy`, count: `${base}/person_count` };
    if (!this.announced.has(slug)) {
      this.announced.add(slug);
      this.agent.producer?.addComponent(`occupancy_${slug}`, { platform: "binary_sensor", name: `${area} occupancy`, device_class: "occupancy", state_topic: topics.occupancy, payload_on: "ON", payload_off: "OFF" });
      this.agent.producer?.addComponent(`persons_${slug}`, { platform: "sensor", name: `${area} person count`, state_topic: topics.count, state_class: "measurement", unit_of_measurement: "persons", icon: "mdi:account-multiple" });
    }
    return topics;
  }

  private onVisionEvent(event: VisionEvent): void {
    this.onEvent?.(event);
    if (event.type === "occupancy" && event.label === "person") {
      const byArea = this.counts.get(event.camera) ?? new Map<string, number>();
      byArea.set(event.area, event.count);
      this.counts.set(event.camera, byArea);
      const total = this.occupancy().get(event.area) ?? 0;
      const topics = this.announceArea(event.area);
      this.agent.publishOwn(topics.occupancy, total > 0 ? "ON" : "OFF", true);
      this.agent.publishOwn(topics.count, String(total), true);
    }
    if (event.type === "facing") this.agent.publishOwn(this.cameraTopic(event.camera, "facing"), event.count > 0 ? "ON" : "OFF", true);
    if (this.rules && (event.type === "occupancy" || event.type === "track_enter" || event.type === "track_leave")) {
      // Rules run on the agent's clock; a file camera's media time would not match the rule ticks.
      this.fire(this.rules.handle({ ...event, t_ms: Date.now() }));
    }
  }

  private onSnapshot(snapshot: Snapshot): void {
    this.latestSnapshots.set(snapshot.camera, snapshot.jpeg);
    this.agent.publishOwn(this.cameraTopic(snapshot.camera, "snapshot"), snapshot.jpeg, true);
  }

  private fire(firings: RuleFiring[]): void {
    for (const firing of firings) {
      log.info({ rule: firing.rule, reason: firing.reason }, "rule fired");
      this.agent.publishOwn(`${this.agent.topics.base}/rule`, JSON.stringify({ event_type: firing.rule, reason: firing.reason }));
      for (const action of firing.actions) {
        const origin = { kind: "rule" as const, source: firing.rule };
        const request =
          action.kind === "intent"
            ? this.agent.submitRequest({ text: `rule ${firing.rule}: ${action.intent}`, origin, intent: { name: action.intent, slots: action.slots } })
            : this.agent.submitRequest({ text: `rule ${firing.rule}: publish ${action.message.topic}`, origin, messages: [action.message] });
        void request.catch((err: Error) => log.error({ rule: firing.rule, err: err.message }, "rule action failed"));
      }
    }
  }

  private onSessionEvent(event: SessionEvent): void {
    if (!this.rules || event.origin.kind === "rule" || event.type !== "command" || !event.messages.length) return;
    const suspended = this.rules.noteManualCommand(event.targets, Date.now());
    if (suspended.length) log.info({ rules: suspended, entities: event.targets }, "rules suspended after a manual command");
  }
}
