/**
 * Scoring of hearth's understanding on SLURP's real smart-home requests
 * (../shared/data/intents/slurp-dev.jsonl, Bastianelli et al. 2020, CC BY 4.0)
 * against the home of slurp-home-fixtures.yaml, by effect: every sentence goes
 * through the real understander (agent/understand.ts) with the microphone in
 * the Living Room, and the entities it would act on are compared with the
 * ones the request means.
 *
 * Rules (from the understanding issue):
 * - In scope: scenario `iot` with action hue_lighton / hue_lightoff (HassTurnOn /
 *   HassTurnOff on lights), hue_lightchange / hue_lightdim / hue_lightup
 *   (HassLightSet), wemo_on / wemo_off (HassTurnOn / HassTurnOff on the plugs),
 *   cleaning (any HassVacuum… intent on the vacuum).
 * - Lights: those of the annotated `house_place`; of the context area when none
 *   is annotated (or it is "room", "this room", "here"); every light for the
 *   whole home ("house", "home", "flat", "apartment", with "whole"/"entire").
 *   A place is an area when it equals the area's name with spaces ignored
 *   ("bed room" = Bedroom), or is one of a few common English room words
 *   (PLACE_WORDS below); any other place is one the home lacks: the row is
 *   skipped and counted as such.
 * - Plugs: switches whose name says plug, socket, outlet or Wemo (or with
 *   device class outlet). When the request names one of them ("wemo", "smart
 *   plug"), exactly that one; otherwise the plugs of the context area.
 * - Vacuum: every vacuum entity (the home has one; the place is where it
 *   cleans, not which device).
 * - Success: the understanding acts (decision `act`, or `confirm` — one yes/no
 *   question is fine) with an intent of the right family on exactly the
 *   expected entities.
 * - Every row whose scenario is not `iot` is out of domain: acting on a device
 *   there is a false action; confirmation questions there are counted too.
 *   Other `iot` actions (coffee, …) are neither and are only counted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandRequest, Understanding } from "../agent/controller/types.ts";
import { LiveIntentRecognizer } from "../agent/intent/recognizer.ts";
import { createUnderstander } from "../agent/understand.ts";
import type { Entity } from "../devices/entity.ts";
import { loadFixtures } from "../devices/fixtures.ts";
import type { EntityRegistry } from "../devices/registry.ts";

/** The SLURP actions in scope and the intent family each must be understood as. */
export const SLURP_ACTIONS: Record<string, { family: string; accepts: (intent: string) => boolean; devices: "lights" | "plugs" | "vacuum" }> = {
  hue_lighton: { family: "TurnOn", accepts: (i) => i === "HassTurnOn", devices: "lights" },
  hue_lightoff: { family: "TurnOff", accepts: (i) => i === "HassTurnOff", devices: "lights" },
  hue_lightchange: { family: "LightSet", accepts: (i) => i === "HassLightSet", devices: "lights" },
  hue_lightdim: { family: "LightSet", accepts: (i) => i === "HassLightSet", devices: "lights" },
  hue_lightup: { family: "LightSet", accepts: (i) => i === "HassLightSet", devices: "lights" },
  wemo_on: { family: "TurnOn", accepts: (i) => i === "HassTurnOn", devices: "plugs" },
  wemo_off: { family: "TurnOff", accepts: (i) => i === "HassTurnOff", devices: "plugs" },
  cleaning: { family: "Vacuum", accepts: (i) => i.startsWith("HassVacuum"), devices: "vacuum" },
};

/** The area a microphone is in for every SLURP request. */
export const SLURP_CONTEXT_AREA = "Living Room";

/** Places that mean the microphone's own room. */
const HERE_PLACES = new Set(["room", "this room", "the room", "here", "in here"]);
/** Places that mean the whole home. */
const HOME_PLACES = /^(the |my |our )?(whole |entire )?(house|home|flat|apartment)$/;
/** Common English room words for the areas of a home, by the area name they mean (the scorer's, not hearth's, knowledge). */
const PLACE_WORDS: Record<string, string[]> = {
  hallway: ["hall", "corridor", "entrance hall"],
  "living room": ["lounge", "sitting room", "front room", "family room", "drawing room"],
  bedroom: ["master bedroom", "main bedroom"],
  bathroom: ["toilet", "restroom", "washroom", "wc"],
  office: ["study", "home office"],
};

export interface SlurpCase {
  line: number;
  id: number;
  sentence: string;
  scenario: string;
  action: string;
  /** Annotated entities: type (house_place, device_type, color_type, ...) and the words. */
  entities: { type: string; words: string }[];
}

export interface SlurpSet {
  cases: SlurpCase[];
  registry: EntityRegistry;
}

/**
 * Load the SLURP rows and the home they are scored against.
 * @throws Error naming the file and line of a malformed row.
 */
export function loadSlurpSet(dataDir: string): SlurpSet {
  const file = join(dataDir, "slurp-dev.jsonl");
  const registry = loadFixtures(join(dataDir, "slurp-home-fixtures.yaml"));
  const cases = readFileSync(file, "utf8").split("\n").flatMap((raw, i): SlurpCase[] => {
    if (!raw.trim()) return [];
    let doc: { slurp_id?: unknown; sentence?: unknown; scenario?: unknown; action?: unknown; tokens?: unknown; entities?: unknown };
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
    }
    if (typeof doc.sentence !== "string" || typeof doc.scenario !== "string" || typeof doc.action !== "string") {
      throw new Error(`${file}:${i + 1}: expected "sentence", "scenario" and "action" strings`);
    }
    const tokens = Array.isArray(doc.tokens) ? (doc.tokens as { surface?: unknown }[]) : [];
    const entities = (Array.isArray(doc.entities) ? (doc.entities as { type?: unknown; span?: unknown }[]) : []).map((e, k) => {
      if (typeof e.type !== "string" || !Array.isArray(e.span)) throw new Error(`${file}:${i + 1}: entities.${k}: expected "type" and "span"`);
      const words = (e.span as unknown[]).map((n) => {
        const surface = typeof n === "number" ? tokens[n]?.surface : undefined;
        if (typeof surface !== "string") throw new Error(`${file}:${i + 1}: entities.${k}.span: token ${String(n)} does not exist`);
        return surface;
      });
      return { type: e.type, words: words.join(" ") };
    });
    return [{ line: i + 1, id: Number(doc.slurp_id), sentence: doc.sentence, scenario: doc.scenario, action: doc.action, entities }];
  });
  return { cases, registry };
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The area a SLURP place means in `registry`, "*" for the whole home, or undefined when the home lacks it. */
export function placeArea(place: string, registry: EntityRegistry, contextArea: string): string | undefined {
  const said = place.toLowerCase().replace(/\s+/g, " ").trim();
  if (HERE_PLACES.has(said)) return contextArea;
  if (HOME_PLACES.test(said)) return "*";
  const bare = said.replace(/^(the|my|our) /, "");
  for (const area of registry.allAreas()) {
    if ([area.name, ...area.aliases].some((n) => squash(n) === squash(bare))) return area.name;
    if ((PLACE_WORDS[area.name.toLowerCase()] ?? []).includes(bare)) return area.name;
  }
  return undefined;
}

function isPlug(e: Entity): boolean {
  return e.domain === "switch" && (e.device_class === "outlet" || /\b(plug|socket|outlet|wemo)\b/i.test(e.name));
}

/** What a row expects: the entity ids, or why it is skipped. */
export type Expectation = { ids: string[] } | { skip: string };

/** The entities an in-scope row must act on (see the module comment). */
export function expectedTargets(c: SlurpCase, registry: EntityRegistry, contextArea = SLURP_CONTEXT_AREA): Expectation {
  const rule = SLURP_ACTIONS[c.action];
  if (!rule) return { skip: `action ${c.action} is not in scope` };
  const entities = registry.exposed();
  const ids = (list: Entity[]) => list.map((e) => e.id).sort();
  if (rule.devices === "vacuum") return { ids: ids(entities.filter((e) => e.domain === "vacuum")) };
  if (rule.devices === "plugs") {
    const plugs = entities.filter(isPlug);
    const device = c.entities.filter((e) => e.type === "device_type").map((e) => squash(e.words)).join(" ");
    const named = plugs.filter((p) => device.includes(squash(p.name)) || p.aliases.some((a) => device.includes(squash(a))));
    if (named.length > 0) return { ids: ids(named) };
    return { ids: ids(plugs.filter((p) => p.area === contextArea)) };
  }
  const places = c.entities.filter((e) => e.type === "house_place");
  const lights = entities.filter((e) => e.domain === "light");
  if (places.length === 0) return { ids: ids(lights.filter((l) => l.area === contextArea)) };
  const areas = new Set<string>();
  for (const place of places) {
    const area = placeArea(place.words, registry, contextArea);
    if (area === undefined) return { skip: `the home has no "${place.words}"` };
    areas.add(area);
  }
  return { ids: ids(areas.has("*") ? lights : lights.filter((l) => l.area !== undefined && areas.has(l.area))) };
}

/** What the understander decided: act, confirm (a yes/no question before acting), clarify (which one?) or refuse. */
export type Decision = "act" | "confirm" | "clarify" | "refuse";

/** The decision of an Understanding; an explicit `decision` field (the fallback's policy) wins. */
export function decisionOf(u: Understanding): Decision {
  if ("decision" in u && typeof u.decision === "string" && ["act", "confirm", "clarify", "refuse"].includes(u.decision)) return u.decision as Decision;
  if (u.kind === "act") return u.confirmation ? "confirm" : "act";
  if (u.kind === "custom") return u.messages.length > 0 ? (u.confirmation ? "confirm" : "act") : "refuse";
  if (u.kind === "clarify") return "clarify";
  return "refuse";
}

/** Entity ids an Understanding acts on or asks about (topics for custom messages). */
export function targetIds(u: Understanding): string[] {
  if (u.kind === "act") return u.targets.map((t) => t.entity.id).sort();
  if (u.kind === "custom") return u.messages.map((m) => m.topic);
  if (u.kind === "clarify") return u.candidates.map((e) => e.id).sort();
  return [];
}

export interface SlurpOutcome {
  line: number;
  sentence: string;
  action: string;
  expected: string[];
  decision: Decision;
  intent: string | null;
  targets: string[];
  response: string;
  success: boolean;
}

export interface SlurpReport {
  perAction: Record<string, { family: string; total: number; skipped: number; scored: number; correct: number; confirmed: number }>;
  inScope: { total: number; skipped: number; scored: number; correct: number; confirmed: number; rate: number };
  outOfDomain: { total: number; falseActions: number; confirmations: number; clarifications: number; falseActionRate: number; confirmationRate: number };
  otherIot: { total: number; acted: number };
  decisions: Record<Decision, number>;
  /** Rows the fallback recognizer decided (acted on or asked about), in scope (and of them right) and out of domain. */
  fallback: { inScopeDecided: number; inScopeCorrect: number; outOfDomainDecided: number };
  /** Mean understander time per sentence over every row, in milliseconds. */
  msPerSentence: number;
  failures: SlurpOutcome[];
  falseActions: SlurpOutcome[];
  skipped: { line: number; sentence: string; reason: string }[];
}

function responseOf(u: Understanding): string {
  return u.kind === "clarify" ? u.question : u.response;
}

/** Run every row through a fresh understander over `set.registry` and score it (see the module comment). */
export async function evaluateSlurp(set: SlurpSet, contextArea = SLURP_CONTEXT_AREA): Promise<SlurpReport> {
  const recognizer = new LiveIntentRecognizer(set.registry);
  const understand = createUnderstander({ registry: set.registry, recognizer, eventTopic: "hearth/bench/event" });
  const perAction: SlurpReport["perAction"] = {};
  for (const [action, rule] of Object.entries(SLURP_ACTIONS)) perAction[action] = { family: rule.family, total: 0, skipped: 0, scored: 0, correct: 0, confirmed: 0 };
  const outOfDomain = { total: 0, falseActions: 0, confirmations: 0, clarifications: 0, falseActionRate: 0, confirmationRate: 0 };
  const otherIot = { total: 0, acted: 0 };
  const decisions: Record<Decision, number> = { act: 0, confirm: 0, clarify: 0, refuse: 0 };
  const fallback = { inScopeDecided: 0, inScopeCorrect: 0, outOfDomainDecided: 0 };
  const failures: SlurpOutcome[] = [];
  const falseActions: SlurpOutcome[] = [];
  const skipped: SlurpReport["skipped"] = [];
  let elapsed = 0;
  for (const c of set.cases) {
    const request: CommandRequest = { text: c.sentence, origin: { kind: "cli", area: contextArea } };
    const started = performance.now();
    const u = await understand(request);
    elapsed += performance.now() - started;
    const decision = decisionOf(u);
    decisions[decision]++;
    const byFallback = u.recognizedBy === "fallback" && (decision === "act" || decision === "confirm");
    const outcome = (expected: string[], success: boolean): SlurpOutcome => ({
      line: c.line, sentence: c.sentence, action: c.action, expected, decision, intent: "intent" in u ? (u.intent ?? null) : null, targets: targetIds(u), response: responseOf(u), success,
    });
    if (c.scenario !== "iot") {
      outOfDomain.total++;
      if (byFallback) fallback.outOfDomainDecided++;
      // A false action acts on a device (an answer or a "never mind" does not).
      if (decision === "act" && (u.kind === "act" || u.kind === "custom")) {
        outOfDomain.falseActions++;
        falseActions.push(outcome([], false));
      } else if (decision === "confirm") outOfDomain.confirmations++;
      else if (decision === "clarify") outOfDomain.clarifications++;
      continue;
    }
    const rule = SLURP_ACTIONS[c.action];
    if (!rule) {
      otherIot.total++;
      if (decision === "act") otherIot.acted++;
      continue;
    }
    const row = perAction[c.action]!;
    row.total++;
    const expected = expectedTargets(c, set.registry, contextArea);
    if ("skip" in expected) {
      row.skipped++;
      skipped.push({ line: c.line, sentence: c.sentence, reason: expected.skip });
      continue;
    }
    row.scored++;
    const intent = "intent" in u ? u.intent : undefined;
    const acted = decision === "act" || decision === "confirm";
    const targets = targetIds(u);
    const success = acted && u.kind === "act" && intent !== undefined && rule.accepts(intent) && targets.join(",") === expected.ids.join(",");
    if (byFallback) fallback.inScopeDecided++;
    if (success && byFallback) fallback.inScopeCorrect++;
    if (success) {
      row.correct++;
      if (decision === "confirm") row.confirmed++;
    } else failures.push(outcome(expected.ids, false));
  }
  const rows = Object.values(perAction);
  const sum = (k: "total" | "skipped" | "scored" | "correct" | "confirmed") => rows.reduce((n, r) => n + r[k], 0);
  const inScope = { total: sum("total"), skipped: sum("skipped"), scored: sum("scored"), correct: sum("correct"), confirmed: sum("confirmed"), rate: 0 };
  inScope.rate = inScope.scored ? inScope.correct / inScope.scored : 0;
  outOfDomain.falseActionRate = outOfDomain.total ? outOfDomain.falseActions / outOfDomain.total : 0;
  outOfDomain.confirmationRate = outOfDomain.total ? outOfDomain.confirmations / outOfDomain.total : 0;
  recognizer.close();
  return { perAction, inScope, outOfDomain, otherIot, decisions, fallback, msPerSentence: set.cases.length ? elapsed / set.cases.length : 0, failures, falseActions, skipped };
}
