/**
 * Zigbee2MQTT's command path, loaded from a scratch install and run without a
 * radio, for bench/z2m-roundtrip.ts.
 *
 * Zigbee2MQTT is GPL-3.0, so it is never a dependency of hearth: `ensureZ2m`
 * installs the exact version the corpus came from (../shared/data/z2m-discovery,
 * Zigbee2MQTT 2.14.1 with zigbee-herdsman-converters 26.105.0) into a folder
 * outside the project with the ordinary npm client, and `loadZ2mWorld` loads
 * it from there with its own `require`. Nothing of it is bundled or copied.
 *
 * What runs is Zigbee2MQTT's own code: its settings (friendly names), its
 * Zigbee controller's name and endpoint resolution, its Device model, its
 * EventBus and its Publish extension (topic parsing, payload parsing,
 * converter choice per key and endpoint, the converters themselves). The only
 * stand-in is what zigbee-herdsman would hand it after a successful interview:
 * a device and endpoints that record the Zigbee commands and writes the
 * converters issue instead of sending them over the air.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The versions the corpus was generated with (../shared/data/z2m-discovery/README.md, counts.json). */
export const Z2M_VERSION = "2.14.1";
export const ZHC_VERSION = "26.105.0";

/** One device of ../shared/data/z2m-discovery/devices.json.gz: which converter definition it is and its name. */
export interface CorpusDevice {
  i: number;
  /** File under zigbee-herdsman-converters/dist/devices/ and the definition's index in its `definitions`. */
  file: string;
  index: number;
  ieee: string;
  friendly: string;
  model: string;
  vendor: string;
  modelID: string;
  manufacturerName: string;
  /** Whether the generator stored a scene on the device's first endpoint (every tenth light). */
  scene: boolean;
}

/**
 * Installs zigbee2mqtt@2.14.1 (and zigbee-herdsman-converters pinned to the
 * corpus' version) into `dir` unless it is already there. `--ignore-scripts`:
 * nothing of it is built or run at install time, and its native serial
 * modules are not needed to parse and convert commands.
 * @throws Error with npm's output when the install fails or gives other versions.
 */
export function ensureZ2m(dir: string, log: (line: string) => void = () => undefined): void {
  const installed = (name: string) => {
    const file = join(dir, "node_modules", name, "package.json");
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
  };
  if (installed("zigbee2mqtt") === Z2M_VERSION && installed("zigbee-herdsman-converters") === ZHC_VERSION) return;
  mkdirSync(dir, { recursive: true });
  // Own package.json: npm must not walk up into a project and install there.
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "hearth-z2m-roundtrip-scratch", private: true, description: "scratch install for hearth's bench/z2m-roundtrip.ts; not part of hearth", overrides: { "zigbee-herdsman-converters": ZHC_VERSION } }, null, 1),
  );
  log(`installing zigbee2mqtt@${Z2M_VERSION} into ${dir} (npm, --ignore-scripts) ...`);
  try {
    execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", `zigbee2mqtt@${Z2M_VERSION}`, `zigbee-herdsman-converters@${ZHC_VERSION}`], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`npm install in ${dir} failed: ${e.stderr?.toString() || e.message}`);
  }
  for (const [name, want] of [["zigbee2mqtt", Z2M_VERSION], ["zigbee-herdsman-converters", ZHC_VERSION]] as const) {
    if (installed(name) !== want) throw new Error(`${dir}: ${name} is ${installed(name) ?? "missing"} after npm install, wanted ${want}`);
  }
}

/** A Zigbee operation a converter issued, as the recording endpoint saw it. */
export interface ZigbeeCall {
  endpoint: number;
  op: string;
  cluster: unknown;
  detail: unknown;
}

/**
 * What zigbee-herdsman's Endpoint is to the converters. Zigbee2MQTT and the
 * converters tell an endpoint from a group by the class name, hence `Endpoint`.
 * Every command or write is appended to `log` (reads are answered empty).
 */
class Endpoint {
  readonly profileID = 260;
  readonly deviceID = 0x0100;
  readonly inputClusters: number[] = [];
  readonly outputClusters: number[] = [];
  readonly binds: unknown[] = [];
  readonly configuredReportings: unknown[] = [];
  meta: Record<string, unknown> = {};
  clusters: Record<string, unknown> = {};
  constructor(
    readonly ID: number,
    readonly deviceIeeeAddress: string,
    private readonly owner: Device,
  ) {}
  getDevice(): Device {
    return this.owner;
  }
  private record(op: string, cluster: unknown, detail: unknown): void {
    this.owner.calls.push({ endpoint: this.ID, op, cluster, detail });
  }
  supportsInputCluster(): boolean {
    return true;
  }
  supportsOutputCluster(): boolean {
    return true;
  }
  getInputClusters(): unknown[] {
    return [];
  }
  getOutputClusters(): unknown[] {
    return [];
  }
  getClusterAttributeValue(): undefined {
    return undefined;
  }
  saveClusterAttributeKeyValue(): void {}
  async command(cluster: unknown, command: unknown, payload: unknown): Promise<Record<string, never>> {
    this.record("command", cluster, { command, payload });
    return {};
  }
  async commandResponse(cluster: unknown, command: unknown, payload: unknown): Promise<void> {
    this.record("commandResponse", cluster, { command, payload });
  }
  async write(cluster: unknown, attributes: unknown): Promise<void> {
    this.record("write", cluster, attributes);
    this.remember(cluster, attributes);
  }
  async writeStructured(cluster: unknown, payload: unknown): Promise<void> {
    this.record("writeStructured", cluster, payload);
  }
  /**
   * A device answers a read with each attribute asked for: what was last written to it (converters
   * that confirm a write read it back), else 0.
   */
  async read(cluster: unknown, attributes: unknown): Promise<Record<string, unknown>> {
    const written = this.written.get(String(cluster)) ?? {};
    return Object.fromEntries((Array.isArray(attributes) ? attributes : []).map((a) => [String(a), written[String(a)] ?? 0]));
  }
  /** Attributes written per cluster, as the device would now report them. */
  private readonly written = new Map<string, Record<string, unknown>>();
  private remember(cluster: unknown, attributes: unknown): void {
    if (attributes === null || typeof attributes !== "object") return;
    const store = this.written.get(String(cluster)) ?? {};
    for (const [k, v] of Object.entries(attributes)) store[k] = v !== null && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;
    this.written.set(String(cluster), store);
  }
  async zclCommandBroadcast(_endpoint: unknown, _destination: unknown, cluster: unknown, command: unknown, payload: unknown): Promise<void> {
    this.record("zclCommandBroadcast", cluster, { command, payload });
  }
  async save(): Promise<void> {}
  async bind(): Promise<void> {}
  async unbind(): Promise<void> {}
  async configureReporting(): Promise<void> {}
  async addToGroup(): Promise<void> {}
  async removeFromGroup(): Promise<void> {}
  async removeFromAllGroups(): Promise<void> {}
  async defaultResponse(): Promise<void> {}
  async readResponse(): Promise<void> {}
  toJSON(): Record<string, unknown> {
    return { ID: this.ID, deviceIeeeAddress: this.deviceIeeeAddress };
  }
}

/**
 * What zigbee-herdsman's Device is after a successful interview. We have no
 * real endpoint and cluster list, so the device carries `isDummyDevice`: the
 * converters' exposes functions then describe the model as its documentation
 * page does (the generator of the corpus did the same), and endpoints exist
 * on demand, as any endpoint a definition maps would exist on the real device.
 */
class Device {
  readonly type = "Router";
  readonly networkAddress: number;
  readonly manufacturerID = 4476;
  readonly powerSource = "Mains (single phase)";
  readonly interviewState = "SUCCESSFUL";
  readonly interviewCompleted = true;
  readonly isDeleted = false;
  readonly isDummyDevice = true;
  readonly customClusters = {};
  readonly softwareBuildID = "1.0.0";
  readonly dateCode = "20240101";
  meta: Record<string, unknown> = {};
  endpoints: Endpoint[] = [];
  /** Zigbee operations since the last `calls = []`. */
  calls: ZigbeeCall[] = [];
  constructor(
    readonly ieeeAddr: string,
    readonly modelID: string,
    readonly manufacturerName: string,
  ) {
    this.networkAddress = Number.parseInt(ieeeAddr.slice(-4), 16);
    // Multi-gang definitions map their `l1`..`l8` endpoint names from the endpoints the device has.
    for (let id = 1; id <= 16; id++) this.getEndpoint(id);
  }
  getEndpoint(ID: number): Endpoint | undefined {
    if (!Number.isInteger(ID) || ID < 1 || ID > 254) return undefined;
    let endpoint = this.endpoints.find((e) => e.ID === ID);
    if (!endpoint) {
      endpoint = new Endpoint(ID, this.ieeeAddr, this);
      this.endpoints.push(endpoint);
      this.endpoints.sort((a, b) => a.ID - b.ID);
    }
    return endpoint;
  }
  async save(): Promise<void> {}
}

/** Zigbee2MQTT's verdict on one MQTT message, from its own Publish extension. */
export interface Z2mVerdict {
  /** Publish.parseTopic: undefined when the topic is not `<base>/<device>[/<endpoint>]/set[/<attribute>]`. */
  parsed?: { ID: string; endpoint?: string; type: string; attribute?: string };
  /** The device the topic resolved to (Zigbee2MQTT's friendly name), if any. */
  device?: string;
  /** Publish.parseMessage's object, undefined when Zigbee2MQTT drops the payload. */
  message?: Record<string, unknown>;
  /** Error lines Zigbee2MQTT and the converters logged while handling it ("No converter available ...", "Publish 'set' ... failed: ..."). */
  errors: string[];
  /** Zigbee commands and writes the converters issued. */
  zigbee: ZigbeeCall[];
  /** Per key of the message that an expose describes: why no settable feature of that property admits the value. */
  exposeProblems: string[];
  /** Wall time Zigbee2MQTT took to handle it. */
  ms: number;
}

export interface Z2mWorld {
  z2mVersion: string;
  zhcVersion: string;
  /** Feeds one message through Publish.onMQTTMessage (and its parse steps) and says what Zigbee2MQTT did. */
  check(ieee: string, topic: string, payload: string): Promise<Z2mVerdict>;
}

/** Keys Zigbee2MQTT's converters take that no expose describes (scenes, transition, raw read/write). */
const NON_EXPOSE_KEYS = new Set(["transition", "scene_recall", "scene_store", "scene_add", "scene_remove", "scene_remove_all", "scene_rename", "read", "write", "command"]);

/** Zigbee2MQTT is loaded untyped from the scratch folder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/**
 * Loads Zigbee2MQTT from `scratchDir` (see ensureZ2m) with `devices` as its
 * configured devices (friendly names in its settings file under `dataDir`).
 * Only devices in `wanted` get a Device model (all when omitted).
 * @throws Error naming the definition when a corpus device's converter definition is missing.
 */
export async function loadZ2mWorld(scratchDir: string, dataDir: string, devices: CorpusDevice[], wanted?: Set<string>): Promise<Z2mWorld> {
  mkdirSync(dataDir, { recursive: true });
  // Zigbee2MQTT reads its settings from $ZIGBEE2MQTT_DATA/configuration.yaml (JSON is YAML).
  const settingsDoc = {
    version: 5,
    homeassistant: { enabled: true },
    availability: { enabled: true },
    frontend: { enabled: false },
    mqtt: { base_topic: "zigbee2mqtt", server: "mqtt://127.0.0.1:1" },
    serial: { port: "/dev/null" },
    advanced: { log_output: ["console"], log_level: "error" },
    devices: Object.fromEntries(devices.map((d) => [d.ieee, { friendly_name: d.friendly }])),
  };
  writeFileSync(join(dataDir, "configuration.yaml"), JSON.stringify(settingsDoc));
  process.env.ZIGBEE2MQTT_DATA = dataDir;
  const req = createRequire(join(scratchDir, "package.json"));

  const zhc: Any = req("zigbee-herdsman-converters");
  const zhcUtils: Any = req("zigbee-herdsman-converters/lib/utils");
  const errors: string[] = [];
  const text = (m: unknown) => String(typeof m === "function" ? (m as () => unknown)() : m);
  zhc.setLogger({ debug() {}, info() {}, warning() {}, error: (m: unknown, ns: string) => errors.push(`${ns}: ${text(m)}`) });
  // Converters that pause between Zigbee commands (Tuya, covers): no air time here.
  zhcUtils.sleep = async () => undefined;
  const logger: Any = req("zigbee2mqtt/dist/util/logger.js").default;
  logger.log = (level: string, m: unknown) => {
    if (level === "error") errors.push(text(m));
  };
  // Zigbee2MQTT finds a device by friendly name with a scan of every configured device, several
  // times per message: with 4,478 devices that scan is 2/3 of the bench's time. Same answer, by index.
  const settings: Any = req("zigbee2mqtt/dist/util/settings.js");
  const scanningGetDevice = settings.getDevice;
  const idByName = new Map(devices.map((d) => [d.friendly, d.ieee]));
  settings.getDevice = (key: unknown) => scanningGetDevice(typeof key === "string" ? (idByName.get(key) ?? key) : key);
  const ZigbeeController: Any = req("zigbee2mqtt/dist/zigbee.js").default;
  const Z2mDevice: Any = req("zigbee2mqtt/dist/model/device.js").default;
  const EventBus: Any = req("zigbee2mqtt/dist/eventBus.js").default;
  const Publish: Any = req("zigbee2mqtt/dist/extension/publish.js").default;
  const zhcDevicesDir = join(req.resolve("zigbee-herdsman-converters").replace(/index\.js$/, ""), "devices");

  const eventBus = new EventBus();
  const zigbee = new ZigbeeController(eventBus);
  zigbee.coordinatorIeeeAddr = "0x00124b00c0ffee00";
  const herdsman = new Map<string, Device>();
  const definitionFiles = new Map<string, Any[]>();
  for (const d of devices) {
    if (wanted && !wanted.has(d.ieee)) continue;
    let defs = definitionFiles.get(d.file);
    if (!defs) definitionFiles.set(d.file, (defs = req(join(zhcDevicesDir, d.file)).definitions as Any[]));
    const raw = defs?.[d.index];
    if (!raw) throw new Error(`zigbee-herdsman-converters ${zhcDevicesDir}/${d.file}: no definition #${d.index} for ${d.friendly}`);
    const zh = new Device(d.ieee, d.modelID, d.manufacturerName);
    if (d.scene) zh.endpoints[0]!.meta.scenes = { "1_0": { name: "Evening" } };
    const model = new Z2mDevice(zh);
    model.definition = zhc.prepareDefinition(raw); // what findByDevice() would resolve for this device
    model._definitionModelID = zh.modelID;
    zigbee.deviceLookup.set(d.ieee, model);
    herdsman.set(d.ieee, zh);
  }
  // Zigbee2MQTT's state store holds what each device last reported; some converters read it (a Tuya
  // light's brightness keeps the colour it has). A device that reported once: each exposed property at
  // a value its expose allows.
  const lastState = new Map<string, Record<string, unknown>>();
  const state = {
    get: (entity: Any) => {
      let s = lastState.get(entity.ID);
      if (!s) lastState.set(entity.ID, (s = reportedState(featuresOf(entity.ID))));
      return s;
    },
  };
  const publish = new Publish(zigbee, {}, state, async () => undefined, eventBus, async () => undefined, async () => undefined, async () => undefined);
  await publish.start();

  const featureCache = new Map<string, Any[]>();
  const featuresOf = (ieee: string): Any[] => {
    let features = featureCache.get(ieee);
    if (!features) {
      features = [];
      const walk = (e: Any) => {
        features!.push(e);
        for (const f of e.features ?? []) walk(f);
      };
      for (const e of zigbee.deviceLookup.get(ieee).exposes()) walk(e);
      featureCache.set(ieee, features);
    }
    return features;
  };

  return {
    z2mVersion: JSON.parse(readFileSync(req.resolve("zigbee2mqtt/package.json"), "utf8")).version,
    zhcVersion: JSON.parse(readFileSync(req.resolve("zigbee-herdsman-converters/package.json"), "utf8")).version,
    async check(ieee, topic, payload) {
      const verdict: Z2mVerdict = { errors: [], zigbee: [], exposeProblems: [], ms: 0 };
      const zh = herdsman.get(ieee);
      if (!zh) throw new Error(`no Zigbee2MQTT device ${ieee} was loaded`);
      verdict.parsed = publish.parseTopic(topic);
      if (verdict.parsed) {
        const re = zigbee.resolveEntity(verdict.parsed.ID);
        verdict.device = re?.name;
        verdict.message = publish.parseMessage(verdict.parsed, { topic, message: payload }) ?? undefined;
        if (re === zigbee.deviceLookup.get(ieee) && verdict.message && typeof verdict.message === "object") {
          verdict.exposeProblems = exposeProblems(re, featuresOf(ieee), verdict.parsed.endpoint, verdict.message);
        }
      }
      zh.calls = [];
      const before = errors.length;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        publish.onMQTTMessage({ topic, message: payload }).then(
          () => "done",
          (err: Error) => `threw ${err}`,
        ),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve("did not finish within 5 s"), 5000))),
      ]);
      clearTimeout(timer);
      verdict.ms = performance.now() - started;
      verdict.errors = errors.splice(before).map((e) => (/^Device '.*' has no endpoint '[^']*'$/.test(e) ? `${e} ${endpointMapNote(zigbee.deviceLookup.get(ieee), zh)}` : e));
      if (outcome !== "done") verdict.errors.push(`onMQTTMessage ${outcome}`);
      verdict.zigbee = zh.calls;
      return verdict;
    },
  };
}

/**
 * Whether each value of the message is one the device's exposes allow for
 * that property: a settable feature (access bit 2) whose type admits it
 * (binary on/off/toggle values, enum values, numeric range or presets, text,
 * an object for composites, a list). Keys are split from an `_<endpoint>`
 * suffix the way Publish does; the exposes name the property with the suffix.
 */
function exposeProblems(device: Any, features: Any[], topicEndpoint: string | undefined, message: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const endpointNames: string[] = device.getEndpointNames();
  for (const [rawKey, value] of Object.entries(message)) {
    let key = rawKey;
    let endpoint = topicEndpoint;
    for (const name of endpointNames) {
      if (rawKey.endsWith(`_${name}`) && rawKey.length > name.length + 1) {
        key = rawKey.slice(0, -name.length - 1);
        endpoint = name;
        break;
      }
    }
    if (NON_EXPOSE_KEYS.has(key)) continue;
    const property = endpoint ? `${key}_${endpoint}` : key;
    const named = features.filter((f) => f.property === property || f.property === rawKey);
    const candidates = named.length ? named : features.filter((f) => f.property === key);
    // A key no expose describes (Zigbee2MQTT's HA extension names some itself, e.g. a fan's `fan_state`):
    // the converters alone judge it.
    if (!candidates.length) continue;
    const settable = candidates.filter((f) => f.access === undefined || (f.access & 0b010) !== 0);
    if (!settable.length) {
      problems.push(`expose "${property}" is not settable (access ${candidates[0].access})`);
      continue;
    }
    const verdicts = settable.map((f) => valueProblem(f, value));
    if (!verdicts.includes(undefined)) problems.push(`"${property}": ${verdicts[0]}`);
  }
  return problems;
}

/**
 * Why Zigbee2MQTT found no endpoint of that name: the definition maps no
 * endpoint names at all, or maps others (both would hold for a real device
 * too), or its map comes out empty for the stand-in (it is built from the
 * real device's endpoints and clusters, which the stand-in lacks).
 */
function endpointMapNote(model: Any, zh: Device): string {
  if (typeof model.definition.endpoint !== "function") return "(the definition maps no endpoint names)";
  const names = Object.keys(model.definition.endpoint(zh) ?? {});
  return names.length ? `(the definition maps only ${names.join(", ")})` : "(the definition's endpoint map is empty for the stand-in device)";
}

/**
 * A state as the device would have reported it, at work: every property at a
 * value its expose allows (binary on, enum the first value other than "off",
 * numeric its minimum). Converters that check the state (a boost that needs
 * `system_mode: heat`) then judge the command, not an empty store.
 */
function reportedState(features: Any[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of features) {
    if (!f.property || f.property in out) continue;
    if (f.type === "binary") out[f.property] = f.value_on;
    // Limit pairs (lower/upper, min/max) are checked against each other: the upper one at its maximum.
    else if (f.type === "numeric") out[f.property] = /(upper|max|high)/.test(f.property) ? (f.value_max ?? f.value_min ?? 0) : (f.value_min ?? 0);
    else if (f.type === "enum") out[f.property] = (f.values as unknown[] | undefined)?.find((v) => v !== "off") ?? f.values?.[0];
    else if (f.type === "text") out[f.property] = "";
    else if (f.type === "list") out[f.property] = [];
    else if (f.type === "composite" && (f.property === "color" || f.name?.startsWith("color"))) out[f.property] = { x: 0.3127, y: 0.329, h: 0, s: 0, hue: 0, saturation: 0 };
  }
  return out;
}

/** undefined when `value` suits the exposes feature, else why not. */
function valueProblem(feature: Any, value: unknown): string | undefined {
  switch (feature.type) {
    case "binary": {
      const allowed = [feature.value_on, feature.value_off, feature.value_toggle].filter((v) => v !== undefined);
      // Zigbee2MQTT's binary converters compare state words case-insensitively ("on" and "ON").
      const same = (a: unknown) => a === value || (typeof a === "string" && typeof value === "string" && a.toLowerCase() === value.toLowerCase());
      return allowed.some(same) ? undefined : `${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`;
    }
    case "enum":
      // parseMessage JSON-parses an attribute payload ("500" → 500) and the converters look values up loosely.
      return (feature.values as unknown[]).some((v) => v === value || String(v) === String(value)) ? undefined : `${JSON.stringify(value)} is not one of ${JSON.stringify(feature.values)}`;
    case "numeric": {
      const presets = ((feature.presets ?? []) as Any[]).flatMap((p) => [p.name, p.value]);
      if (presets.includes(value)) return undefined;
      if (typeof value !== "number" || !Number.isFinite(value)) return `${JSON.stringify(value)} is not a number`;
      if (feature.value_min !== undefined && value < feature.value_min) return `${value} is below its minimum ${feature.value_min}`;
      if (feature.value_max !== undefined && value > feature.value_max) return `${value} is above its maximum ${feature.value_max}`;
      return undefined;
    }
    case "text":
      return typeof value === "string" ? undefined : `${JSON.stringify(value)} is not text`;
    case "composite":
      return value !== null && typeof value === "object" ? undefined : `${JSON.stringify(value)} is not an object`;
    case "list":
      return Array.isArray(value) ? undefined : `${JSON.stringify(value)} is not a list`;
    default:
      return undefined;
  }
}
