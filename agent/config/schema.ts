/**
 * The configuration schema: one YAML file, validated strictly (unknown keys
 * are errors). Every default lives here. Each concern owns one section; later
 * stages (voice, vision, models, service) add their section next to these.
 */
import { z } from "zod";
import { serviceSchema } from "./service.ts";
import { locationSchema } from "./location.ts";
import { rulesSchema } from "./rules.ts";
import { camerasSchema } from "./cameras.ts";
import { asrSchema } from "./asr.ts";
import { ttsSchema } from "./tts.ts";
import { modelsSchema } from "./models.ts";
import { audioSchema } from "./audio.ts";
import { vadSchema } from "./vad.ts";
import { fallbackSchema } from "./fallback.ts";
import { wakeWordSchema } from "./wakeword.ts";
import { memorySchema, webSchema } from "./memory.ts";
import { timersSchema } from "./timers.ts";

const mqttSchema = z.strictObject({
  /** Host name or IP of the broker. */
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(1).max(65535).default(1883),
  /** `mqtts` for TLS. */
  protocol: z.enum(["mqtt", "mqtts"]).default("mqtt"),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Read the password from this file (e.g. `$CREDENTIALS_DIRECTORY/mqtt_password`). */
  password_file: z.string().optional(),
  client_id: z.string().optional(),
  /** PEM file paths for TLS. */
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  reject_unauthorized: z.boolean().default(true),
  keepalive_s: z.number().int().min(1).default(30),
  /** First reconnect delay; doubled up to `reconnect_max_ms`, each delay jittered down to half (devices/mqtt/backoff.ts). */
  reconnect_min_ms: z.number().int().min(10).default(500),
  /** Longest reconnect delay: how late hearth may come back after a long outage. */
  reconnect_max_ms: z.number().int().min(10).default(5_000),
  /**
   * MQTT 5 Session Expiry Interval, in seconds: how long the broker keeps
   * hearth's session (subscriptions, typed commands queued for it) while
   * hearth is away. 0 ends the session at each disconnect (commands sent
   * while hearth is down are lost). MQTT 3.1.1 sessions do not expire.
   */
  session_expiry_s: z.number().int().min(0).max(4_294_967_295).default(86_400),
  /**
   * Most typed commands handed to the controller and not yet acknowledged.
   * Also advertised as MQTT 5 Receive Maximum, so the broker holds the rest
   * in its queue (bounded by mosquitto's max_queued_messages); a command past
   * the bound (QoS 0, or a broker ignoring it) is refused on the events topic.
   */
  max_pending_commands: z.number().int().min(1).max(65_535).default(1_000),
  /**
   * Largest packet the broker may send us (MQTT 5 Maximum Packet Size): bigger
   * messages are dropped by the broker, so a hostile publisher cannot make
   * hearth buffer megabytes. Discovery configs and typed commands are far smaller.
   */
  max_incoming_bytes: z.number().int().min(1024).default(1_048_576),
  /** Try MQTT 5 first, fall back to 3.1.1 when the broker refuses it. */
  protocol_version: z.union([z.literal(5), z.literal(4)]).default(5),
});

const homeAssistantSchema = z.strictObject({
  discovery_prefix: z.string().min(1).default("homeassistant"),
  /** Topic on which HA publishes `online` after it starts (its birth message). */
  status_topic: z.string().default("homeassistant/status"),
  /** Announce hearth itself as an HA device. */
  announce: z.boolean().default(true),
  /** Largest discovery payload accepted, in bytes. */
  max_payload_bytes: z.number().int().min(256).default(65_536),
  /** Most levels in a discovered topic; deeper configs are skipped (mosquitto drops clients past its own limit, 200). */
  max_topic_levels: z.number().int().min(2).max(200).default(32),
  /** Most discovered entities kept; configs past it are refused with one warning. */
  max_entities: z.number().int().min(1).default(5_000),
  /**
   * HA's "exposed entities": which entities voice and typed commands may
   * reach, by entity id or glob (`*` any run of characters, `?` one), e.g.
   * `switch.*_child_lock`. `hide` wins over `expose`; `expose` also brings
   * back entities HA keeps out of voice (disabled by default, config or
   * diagnostic category).
   */
  exposure: z.strictObject({
    expose: z.array(z.string().min(1)).default([]),
    hide: z.array(z.string().min(1)).default([]),
  }).default({ expose: [], hide: [] }),
  /**
   * Entities (ids or globs) whose command topics need the confirmation turn,
   * besides locks, alarm panels and garage doors/gates.
   */
  confirm: z.array(z.string().min(1)).default([]),
});

const areaSchema = z.strictObject({
  name: z.string().min(1),
  id: z.string().optional(),
  floor: z.string().optional(),
  aliases: z.array(z.string()).default([]),
});

const entityOverrideSchema = z.strictObject({
  name: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  area: z.string().optional(),
  floor: z.string().optional(),
});

const agentSchema = z.strictObject({
  /** Used in topics (`hearth/<id>/...`) and as the HA device identifier. */
  id: z.string().regex(/^[a-z0-9_-]+$/, "lower-case letters, digits, _ and - only").default("hearth"),
  name: z.string().default("hearth"),
  /** Area assumed for typed commands that name none (e.g. the room the agent stands in). */
  default_area: z.string().optional(),
  /** How long a lock/alarm/garage confirmation waits for "yes". */
  confirmation_timeout_ms: z.number().int().min(100).default(10_000),
  /** How long a clarifying question waits for the answer. */
  clarification_timeout_ms: z.number().int().min(100).default(10_000),
  /** Typed commands on `hearth/<id>/text`: enabled, and optionally only from these areas. */
  text_input: z.strictObject({
    enabled: z.boolean().default(true),
    allowed_areas: z.array(z.string()).optional(),
  }).default({ enabled: true }),
});

const intentsSchema = z.strictObject({
  /** YAML files with user-defined intents (sentence templates, slot lists, actions). */
  files: z.array(z.string()).default([]),
  /** The fallback recognizer behind the templates and its act / confirm thresholds. */
  fallback: fallbackSchema.default(fallbackSchema.parse({})),
  /**
   * A Home Assistant `custom_sentences` folder (its `en/*.yaml` files are read
   * as HA wrote them, see agent/intent/ha-custom-sentences.ts), e.g. `/config/custom_sentences`.
   */
  ha_custom_sentences: z.string().min(1).optional(),
});

export const configSchema = z.strictObject({
  agent: agentSchema.default(agentSchema.parse({})),
  mqtt: mqttSchema.default(mqttSchema.parse({})),
  homeassistant: homeAssistantSchema.default(homeAssistantSchema.parse({})),
  /** Areas of the home; discovered devices join them by suggested_area or by `entities.<id>.area`. */
  areas: z.array(areaSchema).default([]),
  floors: z.array(z.strictObject({ name: z.string(), id: z.string().optional(), aliases: z.array(z.string()).default([]) })).default([]),
  /** Per-entity overrides keyed by entity id (`light.kitchen`). */
  entities: z.record(z.string(), entityOverrideSchema).default({}),
  /** A static registry in the HA intents fixtures format, for homes without discovery. */
  fixtures: z.string().optional(),
  intents: intentsSchema.default(intentsSchema.parse({})),
  service: serviceSchema.default(serviceSchema.parse({})),
  /** Where the home is (sun times, local clock); required by rules with a `sun` condition. */
  location: locationSchema.optional(),
  /** Scene rules: camera triggers, conditions, actions (see agent/config/rules.ts). */
  rules: rulesSchema.default([]),
  cameras: camerasSchema,
  asr: asrSchema.default(asrSchema.parse({})),
  tts: ttsSchema.default(ttsSchema.parse({})),
  models: modelsSchema.default(modelsSchema.parse({})),
  audio: audioSchema.default(audioSchema.parse({})),
  vad: vadSchema.default(vadSchema.parse({})),
  wakeword: wakeWordSchema.default(wakeWordSchema.parse({})),
  /** The visual memory: camera tracks as searchable events (agent/memory). */
  memory: memorySchema.default(memorySchema.parse({})),
  /** The local page (agent/web); off unless `listen` is set. */
  web: webSchema.default({}),
  /** hearth's own timers and delayed commands (agent/timers). */
  timers: timersSchema.default(timersSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
