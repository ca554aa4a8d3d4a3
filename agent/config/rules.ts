/**
 * Config section `rules`: scene rules that turn what the cameras see into
 * actions. Each rule has one trigger, optional conditions (all must hold) and
 * one or more actions; the engine in `agent/rules/` evaluates them. Triggers,
 * conditions and actions are objects told apart by their key.
 *
 * ```yaml
 * rules:
 *   - id: evening_lamp
 *     trigger: { entered: Living Room, label: person }
 *     conditions:
 *       - sun: below_horizon
 *       - { entity: light.living_room_lamp, state: "off" }
 *     actions:
 *       - intent: HassTurnOn
 *         slots: { area: Living Room, domain: light }
 *     cooldown: 5 minutes
 * ```
 *
 * Durations are strings ("10 minutes", "90s", "1h 30m"); times of day are
 * "HH:MM" or "HH:MM:SS" in the home's time zone (`location.time_zone`).
 * The schema's output is normalised (a `kind` per trigger, condition and
 * action; durations in ms; times of day in seconds since midnight).
 */
import { z } from "zod";
import { parseDuration } from "../rules/duration.ts";
import { keyedUnion } from "./keyed-union.ts";

/** A duration string parsed to ms; `signed` allows negative values (offsets), otherwise it must be > 0 (or >= 0 with `allowZero`). */
function duration(options: { signed?: boolean; allowZero?: boolean } = {}) {
  return z.string({ error: 'expected a duration such as "10 minutes"' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (typeof ms !== "number") {
      ctx.addIssue({ code: "custom", message: ms.error });
      return z.NEVER;
    }
    if (!options.signed && (ms < 0 || (ms === 0 && !options.allowZero))) {
      ctx.addIssue({ code: "custom", message: `must be ${options.allowZero ? "zero or more" : "more than zero"} (got "${text}")` });
      return z.NEVER;
    }
    return ms;
  });
}

/** "HH:MM" or "HH:MM:SS" (24 h) parsed to seconds since midnight. */
const timeOfDay = z.string({ error: 'expected a time of day such as "22:30"' }).transform((text, ctx) => {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(text.trim());
  if (!match) {
    ctx.addIssue({ code: "custom", message: `not a time of day: "${text}" (expected HH:MM or HH:MM:SS, 24-hour)` });
    return z.NEVER;
  }
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
});

const area = z.string().min(1, "expected an area name");
/** Detector label (COCO class name such as person, dog, cat, car); compared case-insensitively. */
const label = z.string().min(1).default("person");

const triggerSchema = keyedUnion("trigger", [
  {
    keys: ["occupied"],
    schema: z.strictObject({ occupied: area, label, for: duration().optional() })
      .transform((t) => ({ kind: "occupied" as const, area: t.occupied, label: t.label, for_ms: t.for })),
  },
  {
    keys: ["vacated"],
    schema: z.strictObject({ vacated: area, label, for: duration().optional() })
      .transform((t) => ({ kind: "vacated" as const, area: t.vacated, label: t.label, for_ms: t.for })),
  },
  {
    keys: ["entered"],
    schema: z.strictObject({ entered: area, zone: z.string().min(1).optional(), camera: z.string().min(1).optional(), label })
      .transform((t) => ({ kind: "entered" as const, area: t.entered, zone: t.zone, camera: t.camera, label: t.label })),
  },
  {
    keys: ["count"],
    schema: z.strictObject({ count: area, label, at_least: z.number().int().min(1) })
      .transform((t) => ({ kind: "count" as const, area: t.count, label: t.label, at_least: t.at_least })),
  },
  {
    keys: ["dwell"],
    schema: z.strictObject({ dwell: area, zone: z.string().min(1).optional(), camera: z.string().min(1).optional(), label, at_least: duration() })
      .transform((t) => ({ kind: "dwell" as const, area: t.dwell, zone: t.zone, camera: t.camera, label: t.label, at_least_ms: t.at_least })),
  },
]);

const stateValue = z.union([z.string(), z.number(), z.boolean()], { error: "expected a state such as \"off\"" }).transform(String);

const conditionSchema = keyedUnion("condition", [
  {
    keys: ["sun"],
    schema: z.strictObject({
      sun: z.enum(["below_horizon", "above_horizon"]),
      /** Moves both sunset and sunrise by this much ("-30 min": dark counts from 30 minutes before sunset until 30 minutes before sunrise). */
      offset: duration({ signed: true }).default(0),
    }).transform((c) => ({ kind: "sun" as const, sun: c.sun, offset_ms: c.offset })),
  },
  {
    keys: ["entity"],
    schema: z.strictObject({
      entity: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, "expected an entity id such as light.living_room_lamp"),
      /** The state, or a list of states any of which passes. */
      state: z.union([stateValue, z.array(stateValue).min(1)]),
    }).transform((c) => ({ kind: "entity" as const, entity: c.entity, states: Array.isArray(c.state) ? c.state : [c.state] })),
  },
  {
    keys: ["after", "before"],
    schema: z.strictObject({ after: timeOfDay.optional(), before: timeOfDay.optional() })
      .refine((c) => c.after === undefined || c.before === undefined || c.after !== c.before, { message: "after and before must differ", path: ["before"] })
      .transform((c) => ({ kind: "time" as const, after_s: c.after, before_s: c.before })),
  },
]);

const actionSchema = keyedUnion("action", [
  {
    keys: ["intent"],
    schema: z.strictObject({
      /** Intent name as the intent recognizer produces it (HassTurnOn, HassTurnOff, HassLightSet, or a custom intent). */
      intent: z.string().min(1),
      slots: z.record(z.string(), z.unknown()).default({}),
    }).transform((a) => ({ kind: "intent" as const, intent: a.intent, slots: a.slots })),
  },
  {
    keys: ["mqtt"],
    schema: z.strictObject({
      mqtt: z.strictObject({
        topic: z.string().min(1).refine((t) => !/[#+]/.test(t), { message: "a publish topic cannot contain the wildcards + or #" }),
        /** Sent as is when a string; numbers and booleans as text; objects and lists as JSON. */
        payload: z.unknown().default(""),
        qos: z.literal([0, 1, 2], { error: "expected 0, 1 or 2" }).default(1),
        retain: z.boolean().default(false),
      }),
    }).transform((a) => ({
      kind: "mqtt" as const,
      message: {
        topic: a.mqtt.topic,
        payload: typeof a.mqtt.payload === "string" ? a.mqtt.payload : typeof a.mqtt.payload === "object" && a.mqtt.payload !== null ? JSON.stringify(a.mqtt.payload) : String(a.mqtt.payload ?? ""),
        qos: a.mqtt.qos,
        retain: a.mqtt.retain,
      },
    })),
  },
]);

export const ruleSchema = z.strictObject({
  /** Unique; used in logs, firing events and HA event data. */
  id: z.string().regex(/^[a-z0-9_-]+$/, "lower-case letters, digits, _ and - only"),
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  trigger: triggerSchema,
  /** All must hold when the trigger fires. */
  conditions: z.array(conditionSchema).default([]),
  actions: z.array(actionSchema).min(1, "a rule needs at least one action"),
  /** After a firing, the rule stays quiet this long. */
  cooldown: duration({ allowZero: true }).default(0),
  /** A manual or spoken command on an entity this rule's actions touch suspends the rule this long. */
  manual_suspend: duration({ allowZero: true }).default(30 * 60_000),
}).transform(({ cooldown, manual_suspend, ...rule }) => ({ ...rule, cooldown_ms: cooldown, manual_suspend_ms: manual_suspend }));

export const rulesSchema = z.array(ruleSchema).superRefine((rules, ctx) => {
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const first = seen.get(rule.id);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate rule id "${rule.id}" (first at rules.${first})` });
    else seen.set(rule.id, i);
  });
});

export type RuleConfig = z.infer<typeof ruleSchema>;
export type TriggerConfig = RuleConfig["trigger"];
export type ConditionConfig = RuleConfig["conditions"][number];
export type RuleAction = RuleConfig["actions"][number];
