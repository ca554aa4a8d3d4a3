/**
 * A user's Home Assistant `custom_sentences/<language>/*.yaml` files, read as
 * HA wrote them (config `intents.ha_custom_sentences`), next to hearth's own
 * intents. Sentences for an intent hearth implements (HassTurnOn, ...) add to
 * it; any other intent is recognised and answered with its response, and its
 * slots go out on hearth's intent event (HA's `intent_script` is HA's own:
 * hearth does not read configuration.yaml).
 *
 * Supported, as in hassil: `language` (must be `en`); `intents.<Name>.data[]`
 * with `sentences`, `slots`, `requires_context` (values, lists of values,
 * `{slot: true}`), `excludes_context`, `response` (a key of `responses`),
 * local `lists` and `expansion_rules`, and `metadata` and
 * `required_keywords` (read and ignored: they filter nothing hearth's matcher
 * would match); top-level `lists` (`values` with strings or `in`/`out`/
 * `context`, an `in` may be a template; `range` with `from`/`to`/`step`/
 * `fractions`, `type`; `wildcard: true`), `expansion_rules`, `skip_words`
 * (dropped from every text, as HA merges them), and `responses.intents.<Name>.<key>`
 * (templates over `slots`; `responses.errors` is ignored). Templates:
 * `(a|b)`, `[a]`, `{list}`, `{list:slot}`, `<rule>`, permutations `(a; b)`
 * and alternatives inside a word (`light[s]`, see ha-template.ts). The lists
 * `name`, `area`, `floor` and hearth's own lists and rules may be referenced.
 *
 * Not supported, each an error naming the file, the intent and the sentence:
 * a range `multiplier` other than 1, `requires_context` with no value (`key:`),
 * a reference glued inside a word (`{name}s`), data-block `settings` with
 * `ignore_whitespace`, a language other than English, and different response
 * keys within one custom intent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { formatIssues } from "../config/load.ts";
import type { CustomIntent, CustomIntents, SlotList, SlotListValue } from "./custom-intents.ts";
import { expandPhrase, rewriteHassilTemplate } from "./ha-template.ts";
import { loadBuiltinSentences, REGISTRY_LISTS } from "./sentence-set.ts";
import { parseTemplate, type TemplateNode } from "./template.ts";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const haListSchema = z.union([
  z.strictObject({
    values: z.array(z.union([
      scalar,
      z.strictObject({ in: z.union([z.string(), z.number()]), out: z.union([scalar, z.null()]).optional(), context: z.record(z.string(), scalar).optional(), metadata: z.unknown().optional() }),
    ])).min(1),
  }),
  z.strictObject({
    range: z.strictObject({
      type: z.enum(["number", "percentage", "temperature"]).optional(),
      from: z.number().int(),
      to: z.number().int(),
      step: z.number().int().positive().optional(),
      multiplier: z.number().optional(),
      fractions: z.enum(["halves", "tenths", "none"]).optional(),
      digits: z.boolean().optional(),
      words: z.boolean().optional(),
      words_language: z.string().optional(),
    }),
  }),
  z.strictObject({ wildcard: z.literal(true) }),
]);

const haDataSchema = z.strictObject({
  sentences: z.array(z.string().min(1)).min(1),
  slots: z.record(z.string(), z.unknown()).optional(),
  requires_context: z.record(z.string(), z.unknown()).optional(),
  excludes_context: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
  expansion_rules: z.record(z.string(), z.string()).optional(),
  lists: z.record(z.string(), haListSchema).optional(),
  response: z.string().optional(),
  metadata: z.unknown().optional(),
  required_keywords: z.array(z.string()).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const haSentencesSchema = z.strictObject({
  language: z.string(),
  intents: z.record(z.string(), z.strictObject({ data: z.array(haDataSchema).min(1) })).optional(),
  lists: z.record(z.string(), haListSchema).optional(),
  expansion_rules: z.record(z.string(), z.string()).optional(),
  skip_words: z.array(z.string()).optional(),
  responses: z.strictObject({
    intents: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    errors: z.record(z.string(), z.unknown()).optional(),
  }).optional(),
});

type HaSentences = z.infer<typeof haSentencesSchema>;
type HaList = z.infer<typeof haListSchema>;

/** The folder's English sentence files: `<dir>/en/*.yaml`, or `<dir>/*.yaml` when `dir` is the language folder itself. */
export function haSentenceFiles(dir: string): string[] {
  const yamls = (d: string) => readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(d, f));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: no such directory`);
  const en = join(dir, "en");
  const files = existsSync(en) && statSync(en).isDirectory() ? yamls(en) : yamls(dir);
  if (!files.length) throw new Error(`${dir}: no en/*.yaml files (hearth reads custom_sentences/en/)`);
  return files;
}

/** Keys under which the user's lists and rules live in the sentence set: apart from hearth's own. */
const globalKey = (name: string) => `ha:${name}`;
const localKey = (intent: string, block: number, name: string) => `ha:${intent}.${block}:${name}`;

/** A list converted to hearth's shape. @throws Error (without location) for what hearth cannot express. */
function convertList(list: HaList): SlotList {
  if ("wildcard" in list) return { wildcard: true };
  if ("range" in list) {
    const { from, to, step, multiplier, fractions } = list.range;
    if (multiplier !== undefined && multiplier !== 1) throw new Error(`range multiplier ${multiplier} is not supported (only 1)`);
    return { range: { from, to, step: step ?? 1, ...(fractions && fractions !== "none" ? { fractions } : {}) } };
  }
  const values: SlotListValue[] = [];
  for (const value of list.values) {
    if (typeof value !== "object") {
      for (const said of expandPhrase(String(value))) values.push({ in: said, out: String(value).includes("[") || String(value).includes("(") ? said : String(value) });
      continue;
    }
    const context = value.context ? Object.fromEntries(Object.entries(value.context).map(([k, v]) => [k, String(v)])) : undefined;
    const spellings = expandPhrase(String(value.in));
    for (const said of spellings) {
      const out = value.out === undefined || value.out === null ? said : value.out;
      values.push({ in: said, out, ...(context ? { context } : {}) });
    }
  }
  return { values };
}

interface Scope {
  lists: Map<string, string>;
  rules: Map<string, string>;
}

/**
 * Load a Home Assistant custom_sentences folder into one set of custom intents.
 * @throws Error naming the file (and the intent and sentence) of the first problem.
 */
export function loadHaCustomSentences(dir: string): CustomIntents[] {
  const docs: { file: string; data: HaSentences }[] = [];
  for (const file of haSentenceFiles(dir)) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message.split("\n")[0]}`);
    }
    const result = haSentencesSchema.safeParse(doc);
    if (!result.success) throw new Error(`${file}: not a Home Assistant sentences file hearth can read\n  ${formatIssues(result.error.issues).join("\n  ")}`);
    if (!/^en([-_].*)?$/i.test(result.data.language)) throw new Error(`${file}: language "${result.data.language}": hearth understands English (en) only`);
    docs.push({ file, data: result.data });
  }
  return [compileHaSentences(docs, dir)];
}

/** Compile validated HA sentence documents (as `loadHaCustomSentences` reads them) into custom intents named `label`. */
export function compileHaSentences(docs: { file: string; data: HaSentences }[], label: string): CustomIntents {
  const builtin = loadBuiltinSentences();
  const lists: Record<string, SlotList> = {};
  const rules: Record<string, TemplateNode> = {};
  const skipWords: string[] = [];
  const global: Scope = { lists: new Map(), rules: new Map() };
  const definedIn = new Map<string, { file: string; json: string }>();
  const define = (file: string, field: string, key: string, value: unknown) => {
    const json = JSON.stringify(value);
    const before = definedIn.get(key);
    if (before && before.json !== json) throw new Error(`${file}: ${field}: already defined differently in ${before.file}`);
    definedIn.set(key, { file, json });
  };
  // Global lists and rules first: HA merges every file, so one file may use another's.
  for (const { file, data } of docs) {
    for (const [name, list] of Object.entries(data.lists ?? {})) {
      define(file, `lists.${name}`, `list:${name}`, list);
      try {
        lists[globalKey(name)] = convertList(list);
      } catch (err) {
        throw new Error(`${file}: lists.${name}: ${(err as Error).message}`);
      }
      global.lists.set(name, globalKey(name));
    }
    for (const [name, body] of Object.entries(data.expansion_rules ?? {})) {
      define(file, `expansion_rules.${name}`, `rule:${name}`, body);
      global.rules.set(name, globalKey(name));
    }
    for (const word of data.skip_words ?? []) skipWords.push(word);
  }
  const knownList = (name: string) => (REGISTRY_LISTS as readonly string[]).includes(name) || name in builtin.lists;
  const knownRule = (name: string) => name in builtin.expansion_rules;

  /** Parse a template and point its references at the scoped keys. */
  const compile = (text: string, scopes: Scope[], where: string): TemplateNode => {
    let tree: TemplateNode;
    try {
      tree = parseTemplate(rewriteHassilTemplate(text));
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    const rename = (node: TemplateNode): TemplateNode => {
      switch (node.type) {
        case "word":
          return node;
        case "sequence":
          return { ...node, items: node.items.map(rename) };
        case "alternative":
          return { ...node, options: node.options.map(rename) };
        case "list": {
          const key = scopes.map((s) => s.lists.get(node.list)).find(Boolean);
          if (!key && !knownList(node.list)) throw new Error(`${where}: unknown list {${node.list}}`);
          return { ...node, list: key ?? node.list };
        }
        case "rule": {
          const key = scopes.map((s) => s.rules.get(node.name)).find(Boolean);
          if (!key && !knownRule(node.name)) throw new Error(`${where}: unknown expansion rule <${node.name}>`);
          return { ...node, name: key ?? node.name };
        }
      }
    };
    return rename(tree);
  };

  for (const { file, data } of docs) {
    for (const [name, body] of Object.entries(data.expansion_rules ?? {})) rules[globalKey(name)] = compile(body, [global], `${file}: expansion_rules.${name}`);
  }

  const intents: CustomIntent[] = [];
  for (const { file, data } of docs) {
    for (const [name, intent] of Object.entries(data.intents ?? {})) {
      const sentences: CustomIntent["sentences"] = [];
      const responseKeys = new Set<string>();
      intent.data.forEach((block, b) => {
        const at = `${file}: intents.${name}.data.${b}`;
        if (block.settings?.ignore_whitespace) throw new Error(`${at}: settings.ignore_whitespace is not supported (English needs spaces)`);
        const local: Scope = { lists: new Map(), rules: new Map() };
        for (const [listName, list] of Object.entries(block.lists ?? {})) {
          try {
            lists[localKey(name, b, listName)] = convertList(list);
          } catch (err) {
            throw new Error(`${at}: lists.${listName}: ${(err as Error).message}`);
          }
          local.lists.set(listName, localKey(name, b, listName));
        }
        for (const ruleName of Object.keys(block.expansion_rules ?? {})) local.rules.set(ruleName, localKey(name, b, ruleName));
        for (const [ruleName, body] of Object.entries(block.expansion_rules ?? {})) {
          rules[localKey(name, b, ruleName)] = compile(body, [local, global], `${at}: expansion_rules.${ruleName}`);
        }
        const requiresContext: CustomIntent["sentences"][number]["requiresContext"] = {};
        for (const [key, value] of Object.entries(block.requires_context ?? {})) {
          if (value && typeof value === "object" && !Array.isArray(value) && (value as { slot?: unknown }).slot === true) requiresContext[key] = { slot: true };
          else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") requiresContext[key] = String(value);
          else if (Array.isArray(value) && value.length && value.every((v) => typeof v !== "object")) requiresContext[key] = value.map(String);
          else {
            const first = block.sentences[0]!;
            throw new Error(`${at}: sentence "${first}": requires_context.${key}: ${value === null || value === undefined ? "a context key without a value" : "this value"} is not supported (give a value, a list of values, or {slot: true})`);
          }
        }
        const excludesContext: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(block.excludes_context ?? {})) excludesContext[key] = Array.isArray(value) ? value.map(String) : String(value);
        responseKeys.add(block.response ?? "default");
        block.sentences.forEach((template) => {
          const tree = compile(template, [local, global], `${at}: sentence "${template}"`);
          sentences.push({ template, tree, fixedSlots: block.slots ?? {}, requiresContext, excludesContext });
        });
      });
      const responses = docs.map((d) => d.data.responses?.intents?.[name]).find(Boolean);
      const implemented = name in builtin.intents;
      if (!implemented && responses && responseKeys.size > 1) {
        throw new Error(`${file}: intents.${name}: sentence "${intent.data[1]?.sentences[0] ?? intent.data[0]!.sentences[0]}": different response keys (${[...responseKeys].join(", ")}) in one intent are not supported`);
      }
      const response = implemented ? undefined : responses?.[[...responseKeys][0]!];
      const existing = intents.find((i) => i.name === name);
      if (existing) existing.sentences.push(...sentences);
      else intents.push({ name, sentences, ...(response !== undefined ? { response } : {}) });
    }
  }
  return { file: label, intents, lists, rules, ...(skipWords.length ? { skipWords } : {}) };
}
