/**
 * User-defined intents: a YAML file in the shape of Home Assistant's
 * `custom_sentences` (intents → data → sentences, lists, expansion_rules),
 * plus what hearth should do when one is recognised: an MQTT publish whose
 * payload is a template over the slots, or an event on hearth's event topic.
 *
 * ```yaml
 * language: en
 * intents:
 *   orderDrink:
 *     data:
 *       - sentences: ["[i'd like] [a] [{size}] {coffeeDrink}"]
 *         slots: { domain: coffee }          # fixed slots added to every match
 *     action:
 *       mqtt: { topic: kitchen/coffee/order, payload: "{{ slots | dump }}", qos: 1, retain: false }
 *     response: "One {{ slots.coffeeDrink }} coming up"
 * lists:
 *   size: { values: [small, { in: "twelve ounce", out: "12oz" }] }
 *   cups: { range: { from: 1, to: 4 } }
 * expansion_rules:
 *   please: "[please|could you]"
 * ```
 *
 * A data block may also carry, as in hassil, `requires_context` (e.g.
 * `{ domain: lock }`: an entity name must be a lock; `{ area: { slot: true } }`:
 * the area of the microphone fills slot `area` when the sentence names none)
 * and `excludes_context` (`{ domain: [sensor] }`). A list value may carry a
 * `context` (the registry's entity names carry `{ domain, device_class }`),
 * and a range `fractions: halves | tenths`. The politeness words "please",
 * and "could you" / "can you" at the start, are dropped from the text before
 * matching, so templates need not (and must not) require them. Custom files
 * see only their own lists and rules; the built-in ones live in
 * agent/intent/sentences/en/ in this same format.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { formatIssues } from "../config/load.ts";
import { parseTemplate, type TemplateNode } from "./template.ts";
import { compileTemplate } from "../../devices/template.ts";

/**
 * A list value: the words as spoken (`in`), the slot value (`out`) and, as in
 * hassil's slot values, an optional `context` (e.g. `{ domain: light }` for an
 * entity name) that `requires_context` and the fixed slots of a sentence check.
 */
const listValueSchema = z.union([
  z.string(),
  z.strictObject({ in: z.string(), out: z.union([z.string(), z.number(), z.boolean()]), context: z.record(z.string(), z.string()).optional() }),
]);

const slotListSchema = z.union([
  z.strictObject({ values: z.array(listValueSchema).min(1) }),
  /** Integers from..to; `fractions` also accepts halves (20.5) or tenths (20.3) as in hassil's fraction_type. */
  z.strictObject({
    range: z.strictObject({
      from: z.number().int(),
      to: z.number().int(),
      step: z.number().int().positive().default(1),
      fractions: z.enum(["halves", "tenths"]).optional(),
    }),
  }),
  /** A wildcard slot takes any words (only usable by the text recognizer and open-vocabulary ASR). */
  z.strictObject({ wildcard: z.literal(true) }),
]);

const actionSchema = z.union([
  z.strictObject({
    mqtt: z.strictObject({
      topic: z.string().min(1),
      /** Jinja template (devices/template.ts); `slots` holds the recognised slot values. Default: the slots as JSON. */
      payload: z.string().default("{{ slots | dump }}"),
      qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
      retain: z.boolean().default(false),
    }),
  }),
  z.strictObject({ event: z.strictObject({ event_type: z.string().min(1), data: z.record(z.string(), z.unknown()).default({}) }) }),
]);

/**
 * Conditions of a data block, after hassil's `requires_context`: `key: value`
 * (or a list of values) requires every matched list value that carries `key`
 * in its context to have one of them (an entity name must be a `lock` for
 * "unlock {name}"); `key: { slot: true }` fills slot `key` from the
 * recognition context (the microphone's area) when the sentence named none.
 * Unlike hassil, a missing context value does not reject the sentence.
 */
const requiresContextSchema = z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1), z.strictObject({ slot: z.literal(true) })]));

export const customIntentsSchema = z.strictObject({
  language: z.string().default("en"),
  intents: z.record(
    z.string(),
    z.strictObject({
      data: z.array(
        z.strictObject({
          sentences: z.array(z.string().min(1)).min(1),
          slots: z.record(z.string(), z.unknown()).default({}),
          requires_context: requiresContextSchema.default({}),
          /** `key: value` (or values): no matched list value may carry one of them in its context. */
          excludes_context: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
        }),
      ).min(1),
      action: actionSchema.optional(),
      response: z.string().optional(),
    }),
  ),
  lists: z.record(z.string(), slotListSchema).default({}),
  expansion_rules: z.record(z.string(), z.string()).default({}),
});

export type CustomIntentsFile = z.infer<typeof customIntentsSchema>;
export type SlotList = CustomIntentsFile["lists"][string];
export type SlotListValue = z.infer<typeof listValueSchema>;
export type RequiresContext = z.infer<typeof requiresContextSchema>;

export interface CustomIntent {
  name: string;
  /** Parsed sentences, each with the fixed slots of its data block. */
  sentences: { template: string; tree: TemplateNode; fixedSlots: Record<string, unknown>; requiresContext: RequiresContext; excludesContext: Record<string, string | string[]> }[];
  action?: CustomIntentsFile["intents"][string]["action"];
  response?: string;
}

export interface CustomIntents {
  file: string;
  intents: CustomIntent[];
  lists: Record<string, SlotList>;
  rules: Record<string, TemplateNode>;
  /** Words or phrases dropped from every text before matching (a Home Assistant file's `skip_words`). */
  skipWords?: string[];
}

/**
 * Load and parse a custom intents file; every sentence template is parsed up
 * front and every `{list}` and `<rule>` reference checked.
 * @throws Error naming the file and the field (or template) that is wrong.
 */
export function loadCustomIntents(file: string): CustomIntents {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  const result = customIntentsSchema.safeParse(doc);
  if (!result.success) throw new Error(`${file}: invalid intents file\n  ${formatIssues(result.error.issues).join("\n  ")}`);
  return compileCustomIntents(result.data, file);
}

/** Parse the templates of an already-validated intents document. */
export function compileCustomIntents(data: CustomIntentsFile, file = "<intents>"): CustomIntents {
  const parseAt = (where: string, text: string) => {
    try {
      return parseTemplate(text);
    } catch (err) {
      throw new Error(`${file}: ${where}: ${(err as Error).message}`);
    }
  };
  const rules: Record<string, TemplateNode> = {};
  for (const [name, text] of Object.entries(data.expansion_rules)) rules[name] = parseAt(`expansion_rules.${name}`, text);
  // Payload and response templates are checked now, so a typo or a filter hearth lacks stops start-up
  // (and `hearth config check`) naming the field, not the first command that needs it.
  const checkTemplate = (where: string, text: string | undefined) => {
    if (text === undefined) return;
    try {
      compileTemplate(text);
    } catch (err) {
      throw new Error(`${file}: ${where}: ${(err as Error).message}`);
    }
  };
  for (const [name, intent] of Object.entries(data.intents)) {
    checkTemplate(`intents.${name}.response`, intent.response);
    if (intent.action && "mqtt" in intent.action) checkTemplate(`intents.${name}.action.mqtt.payload`, intent.action.mqtt.payload);
  }
  const intents: CustomIntent[] = Object.entries(data.intents).map(([name, intent]) => ({
    name,
    action: intent.action,
    response: intent.response,
    sentences: intent.data.flatMap((block, b) =>
      block.sentences.map((template, s) => ({
        template,
        tree: parseAt(`intents.${name}.data.${b}.sentences.${s}`, template),
        fixedSlots: block.slots,
        requiresContext: block.requires_context,
        excludesContext: block.excludes_context,
      })),
    ),
  }));
  const check = (node: TemplateNode, where: string): void => {
    if (node.type === "list" && !(node.list in data.lists)) throw new Error(`${file}: ${where}: unknown list {${node.list}}`);
    if (node.type === "rule" && !(node.name in rules)) throw new Error(`${file}: ${where}: unknown expansion rule <${node.name}>`);
    if (node.type === "sequence") node.items.forEach((n) => check(n, where));
    if (node.type === "alternative") node.options.forEach((n) => check(n, where));
  };
  for (const [name, tree] of Object.entries(rules)) check(tree, `expansion_rules.${name}`);
  for (const intent of intents) for (const s of intent.sentences) check(s.tree, `intents.${intent.name}: "${s.template}"`);
  return { file, intents, lists: data.lists, rules };
}
