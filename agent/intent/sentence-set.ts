/**
 * The full set of sentences hearth understands: the built-in English intents
 * (YAML under agent/intent/sentences/en/, in the format of custom-intents.ts)
 * plus the user's custom intents, with the entity-dependent lists filled from
 * the registry. The text recognizer (recognizer.ts) matches against it and the
 * speech recognizer compiles the very same trees into its decoding grammar.
 *
 * Shape handed to both (a `CustomIntents`, see custom-intents.ts):
 * - `intents[]`: `{ name, sentences: [{ template, tree, fixedSlots, requiresContext }], action?, response? }`;
 *   `tree` is a TemplateNode (word / sequence / alternative / list / rule).
 * - `lists`: slot lists by list name, each `{ values: [string | { in, out, context? }] }`,
 *   `{ range: { from, to, step, fractions? } }` or `{ wildcard: true }`. Registry lists:
 *   `name` (every entity name and alias → `out` the entity's name, `context`
 *   `{ domain, device_class? }`), `area` (area names and aliases → area name,
 *   also spelt with or without the space of a "…room" word: "bed room", and
 *   by ROOM_SYNONYMS: "hall" for a Hallway),
 *   `floor` (likewise); `camera_zone` (the cameras' zone names, for the
 *   vision questions, from `buildSentenceSet`'s `cameraZones`); `color` (agent/resolve/colors.ts). Fixed lists: `brightness`, `position` (0..100),
 *   `temperature` (0..100 in halves), `brightness_level`, `step_size`, `degree_step`, `cover_class`,
 *   `cover_state`, `on_off`, `domain_plural`, `lock_state`, `sensor_quantity`, `battery_ok`.
 *   A list value's `in` is spoken text; digits are spoken as number words.
 *   A range is spoken as number words ("twenty one", "twenty point five" for
 *   a half); the text normaliser (normalize.ts) turns them back into digits.
 * - `rules`: expansion rules by name, already parsed (`<name>` in a template).
 * An empty registry list (`values: []`) matches nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { EntityRegistry } from "../../devices/registry.ts";
import { formatIssues } from "../config/load.ts";
import { colorListValues } from "../resolve/colors.ts";
import { compileCustomIntents, customIntentsSchema, type CustomIntents, type CustomIntentsFile, type SlotList, type SlotListValue } from "./custom-intents.ts";

/** Folder of the built-in English sentence files. */
export const BUILTIN_SENTENCES_DIR = join(dirname(fileURLToPath(import.meta.url)), "sentences", "en");

/** Lists that buildSentenceSet fills from the registry. */
export const REGISTRY_LISTS = ["name", "area", "floor"] as const;

/** Lists that buildSentenceSet fills from hearth's own tables (not the registry). */
export const TABLE_LISTS = ["color"] as const;

/**
 * The other spelling of a place name made with "room": "Bedroom" is also
 * said "bed room", "Living Room" also "livingroom". Undefined when none.
 */
export function roomSpelling(name: string): string | undefined {
  const joined = /^(.*\S)\s+room$/i.exec(name);
  if (joined) return `${joined[1]}room`;
  const split = /^(\S*[a-z])room$/i.exec(name);
  return split ? `${split[1]} room` : undefined;
}

/**
 * Room words that mean the same room in English homes: an area named with one
 * is also called by the others ("dim the hall lights" in a home with a
 * Hallway), unless another area is called so itself.
 */
export const ROOM_SYNONYMS: readonly (readonly string[])[] = [
  ["hallway", "hall", "corridor", "entrance hall"],
  ["living room", "lounge", "sitting room", "family room", "front room"],
  ["office", "study", "home office"],
  ["bathroom", "restroom", "washroom"],
  ["kitchen", "kitchenette"],
  ["garage", "car port"],
];

let builtinCache: CustomIntentsFile | undefined;

/**
 * Read and merge the built-in sentence files (intents with the same name are
 * concatenated; a list or rule defined twice differently is an error).
 * @throws Error naming the file and field when a file is invalid.
 */
export function loadBuiltinSentences(dir = BUILTIN_SENTENCES_DIR): CustomIntentsFile {
  if (dir === BUILTIN_SENTENCES_DIR && builtinCache) return builtinCache;
  const merged: CustomIntentsFile = { language: "en", intents: {}, lists: {}, expansion_rules: {} };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    const path = join(dir, file);
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message.split("\n")[0]}`);
    }
    const result = customIntentsSchema.safeParse(doc);
    if (!result.success) throw new Error(`${path}: invalid sentences file\n  ${formatIssues(result.error.issues).join("\n  ")}`);
    for (const [name, intent] of Object.entries(result.data.intents)) {
      const existing = merged.intents[name];
      merged.intents[name] = existing ? { ...existing, data: [...existing.data, ...intent.data] } : intent;
    }
    mergeNamed(merged.lists, result.data.lists, path, "lists");
    mergeNamed(merged.expansion_rules, result.data.expansion_rules, path, "expansion_rules");
  }
  if (dir === BUILTIN_SENTENCES_DIR) builtinCache = merged;
  return merged;
}

function mergeNamed<T>(into: Record<string, T>, from: Record<string, T>, file: string, field: string): void {
  for (const [key, value] of Object.entries(from)) {
    if (key in into && JSON.stringify(into[key]) !== JSON.stringify(value)) throw new Error(`${file}: ${field}.${key}: already defined differently`);
    into[key] = value;
  }
}

/** Names may carry hassil syntax in HA fixtures ("Trader Joe[']s"); speak them plainly. */
function spoken(name: string): string {
  return name.replace(/[[\]()|{}<>]/g, "").trim();
}

/** The `name`, `area` and `floor` lists of the registry's entities, areas and floors. */
export function registryLists(registry: EntityRegistry): Record<(typeof REGISTRY_LISTS)[number], SlotList> {
  const names: SlotListValue[] = [];
  for (const entity of registry.exposed()) {
    const context: Record<string, string> = { domain: entity.domain };
    if (entity.device_class) context.device_class = entity.device_class;
    for (const said of new Set([entity.name, ...entity.aliases].map(spoken).filter(Boolean))) names.push({ in: said, out: entity.name, context });
  }
  const areas = new Map<string, string>();
  for (const area of registry.allAreas()) for (const said of [area.name, ...area.aliases]) areas.set(spoken(said), area.name);
  for (const entity of registry.all()) if (entity.area && !areas.has(entity.area)) areas.set(spoken(entity.area), entity.area);
  const lower = new Set([...areas.keys()].map((a) => a.toLowerCase()));
  for (const [said, area] of [...areas]) {
    const synonyms = ROOM_SYNONYMS.find((group) => group.includes(said.toLowerCase())) ?? [];
    for (const other of [roomSpelling(said), ...synonyms]) {
      if (other && !lower.has(other.toLowerCase())) {
        areas.set(other, area);
        lower.add(other.toLowerCase());
      }
    }
  }
  const floors = new Map<string, string>();
  for (const floor of registry.allFloors()) for (const said of [floor.name, ...floor.aliases]) floors.set(spoken(said), floor.name);
  for (const entity of registry.all()) if (entity.floor && !floors.has(entity.floor)) floors.set(spoken(entity.floor), entity.floor);
  const values = (m: Map<string, string>): SlotListValue[] => [...m].filter(([said]) => said).map(([said, out]) => ({ in: said, out }));
  return { name: { values: names }, area: { values: values(areas) }, floor: { values: values(floors) } };
}

/**
 * The `camera_zone` list: zone names of the cameras (config `cameras[].zones[].name`),
 * without those that are also an area's name (the `area` list says those already).
 */
export function cameraZoneList(zones: readonly string[], registry: EntityRegistry): SlotList {
  const names = [...new Set(zones.map(spoken).filter(Boolean))].filter((z) => !registry.findArea(z));
  return { values: names.map((z) => ({ in: z, out: z })) };
}

/**
 * Built-in intents plus `custom`, with the registry lists filled in, and the
 * cameras' zone names (`cameraZones`) as the `camera_zone` list.
 * A custom intent with a built-in intent's name adds sentences to it.
 * @throws Error naming the custom file when it redefines a list or rule differently.
 */
export function buildSentenceSet(registry: EntityRegistry, custom: CustomIntents[], cameraZones: readonly string[] = []): CustomIntents {
  const builtin = loadBuiltinSentences();
  const data: CustomIntentsFile = { ...builtin, lists: { ...builtin.lists, color: { values: colorListValues() }, ...registryLists(registry), camera_zone: cameraZoneList(cameraZones, registry) } };
  const set = compileCustomIntents(data, BUILTIN_SENTENCES_DIR);
  for (const file of custom) {
    for (const [name, list] of Object.entries(file.lists)) {
      if (name in set.lists && JSON.stringify(set.lists[name]) !== JSON.stringify(list)) throw new Error(`${file.file}: lists.${name}: clashes with a built-in list of that name`);
      set.lists[name] = list;
    }
    for (const [name, rule] of Object.entries(file.rules)) {
      if (name in set.rules && JSON.stringify(set.rules[name]) !== JSON.stringify(rule)) throw new Error(`${file.file}: expansion_rules.${name}: clashes with a built-in rule of that name`);
      set.rules[name] = rule;
    }
    if (file.skipWords?.length) set.skipWords = [...new Set([...(set.skipWords ?? []), ...file.skipWords])];
    for (const intent of file.intents) {
      const existing = set.intents.find((i) => i.name === intent.name);
      if (existing) existing.sentences.push(...intent.sentences);
      else set.intents.push({ ...intent, sentences: [...intent.sentences] });
    }
  }
  return { ...set, file: [BUILTIN_SENTENCES_DIR, ...custom.map((c) => c.file)].join(", ") };
}
