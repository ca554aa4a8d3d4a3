/**
 * Decoding grammar from the intent templates: the same `TemplateNode` trees
 * the text recognizer matches become a JSGF grammar (W3C/Sun Java Speech
 * Grammar Format, as read by PocketSphinx/SoundSwallower), so the speech
 * recognizer can only hear sentences the intents understand — the approach of
 * Rhasspy and Home Assistant's Speech-to-Phrase.
 *
 * One JSGF rule per intent, per slot list and per expansion rule; the public
 * rule `<command>` is the alternative of all intents (or of some: `intents`),
 * opened by the text matcher's leading fillers ("could you", "hey") and a
 * "please", closed by a "please" and one of its trailing fillers ("for me",
 * "now"; fillers.ts). The word network admits "please" between any two words too;
 * a JSGF with an optional "please" at every word boundary would double the
 * grammar PocketSphinx searches, so here it stands at either end only.
 *
 * A slot is filled at most once per sentence, as in the word network: a run
 * of the same optional choice of slots becomes its selections of distinct
 * slots (`distinctRuns`), and two other items of one sequence that can both
 * fill a slot ("[<place>] blinds [<loc>]", both naming an area) become the
 * alternative of the sequence without the one and without the other
 * (`splitRepeatedSlots`), as far as the items are optional.
 *
 * Wildcard lists cannot be expressed as a finite grammar: sentences that use
 * one are left out (and reported in `skipped`), they stay available to the
 * open-vocabulary backend.
 */
import type { CustomIntents, SlotList } from "../../agent/intent/custom-intents.ts";
import type { TemplateNode } from "../../agent/intent/template.ts";
import { TEXT_FILLERS, type Fillers } from "./fillers.ts";
import { numberToWords, spokenPhrase, spokenWords } from "./spoken-words.ts";

export interface Grammar {
  /** JSGF source with public rule `<command>`. */
  jsgf: string;
  /** Every word the grammar can emit (spoken form, lower case), sorted. */
  words: string[];
  /** Sentences left out, as `intent: "template" (reason)`. */
  skipped: string[];
}

/** A spoken list value: the words said, and the slot value it yields. */
export interface SpokenValue {
  words: string[];
  value: unknown;
}

/**
 * The spoken values of a slot list (`values` and `range` lists); null for a
 * wildcard list, which has no finite set of values.
 */
export function spokenListValues(list: SlotList): SpokenValue[] | null {
  if ("wildcard" in list) return null;
  if ("range" in list) {
    const { from, to, step } = list.range;
    const values: SpokenValue[] = [];
    for (let n = from; n <= to; n += step) values.push({ words: numberToWords(n), value: n });
    return values;
  }
  return list.values
    .map((v) => (typeof v === "string" ? { words: spokenPhrase(v), value: v } : { words: spokenPhrase(v.in), value: v.out }))
    .filter((v) => v.words.length > 0);
}

/** A JSGF rule name made of safe characters, unique per kind. */
function ruleName(kind: "intent" | "list" | "rule", name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9_]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}

/** True when the tree references a wildcard list, directly or through rules. */
export function usesWildcard(node: TemplateNode, intents: CustomIntents, seen = new Set<string>()): boolean {
  switch (node.type) {
    case "word":
      return false;
    case "list":
      return "wildcard" in (intents.lists[node.list] ?? {});
    case "rule": {
      if (seen.has(node.name)) return false;
      seen.add(node.name);
      const rule = intents.rules[node.name];
      return rule ? usesWildcard(rule, intents, seen) : false;
    }
    case "sequence":
      return node.items.some((n) => usesWildcard(n, intents, seen));
    case "alternative":
      return node.options.some((n) => usesWildcard(n, intents, seen));
  }
}

/** The spoken words of a subtree made only of words, or null when it has lists, rules or alternatives. */
function plainWords(node: TemplateNode): string[] | null {
  if (node.type === "word") return spokenWords(node.text);
  if (node.type !== "sequence") return null;
  const parts = node.items.map(plainWords);
  return parts.every((p) => p !== null) ? parts.flat() : null;
}

/** True when the brackets of `text` balance at every prefix (so outer brackets can be dropped). */
function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    depth += ch === "(" || ch === "[" ? 1 : ch === ")" || ch === "]" ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Alternatives over word sequences, factored by common prefixes ("a lot of
 * milk | a lot of cream" → "a lot of (milk | cream)"): the decoder's network
 * then shares the prefix states instead of searching each value separately.
 */
export function prefixTree(values: string[][]): string {
  const groups = new Map<string, string[][]>();
  let endsHere = false;
  for (const v of values) {
    if (!v.length) {
      endsHere = true;
      continue;
    }
    const rest = groups.get(v[0]!) ?? [];
    rest.push(v.slice(1));
    groups.set(v[0]!, rest);
  }
  const options = [...groups].map(([word, rests]) => {
    const tail = rests.every((r) => !r.length) ? "" : prefixTree(rests);
    return tail ? `${word} ${tail}` : word;
  });
  if (!options.length) return "<NULL>";
  if (endsHere) return `[${options.join(" | ")}]`;
  return options.length === 1 ? options[0]! : `(${options.join(" | ")})`;
}

/**
 * The JSGF of a sequence's items, where a run of the same optional choice of slots ("[<modifier>] [<modifier>]
 * [<modifier>]" with modifier "({size}|{roast}|{numberOfShots})") becomes the ordered selections of distinct
 * options, so the grammar fills each slot at most once per sentence, as the word network does. Other runs
 * are left as they are.
 */
function distinctRuns(items: TemplateNode[], intents: CustomIntents, expr: (node: TemplateNode) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i + 1;
    while (j < items.length && JSON.stringify(items[j]) === JSON.stringify(items[i])) j++;
    const options = j - i > 1 ? slotChoices(items[i]!, intents) : null;
    if (!options) {
      out.push(expr(items[i]!));
      i++;
      continue;
    }
    const selections: string[] = [];
    const pick = (chosen: number[]) => {
      if (chosen.length) selections.push(chosen.map((k) => expr(options[k]!)).join(" "));
      if (chosen.length === j - i) return;
      for (let k = 0; k < options.length; k++) if (!chosen.includes(k)) pick([...chosen, k]);
    };
    pick([]);
    out.push(`[${selections.join(" | ")}]`);
    i = j;
  }
  return out;
}

/** The options of an optional choice between lists of distinct slots (through a rule), or null for anything else. */
function slotChoices(node: TemplateNode, intents: CustomIntents): TemplateNode[] | null {
  if (node.type !== "alternative" || !node.optional || node.options.length !== 1) return null;
  let inner = node.options[0]!;
  if (inner.type === "rule") inner = intents.rules[inner.name] ?? inner;
  if (inner.type === "sequence" && inner.items.length === 1) inner = inner.items[0]!;
  if (inner.type !== "alternative" || inner.optional) return null;
  const slots = inner.options.map((o) => (o.type === "list" ? o.slot : null));
  if (slots.some((slot) => slot === null) || new Set(slots).size !== slots.length) return null;
  return inner.options;
}

/** The slots `node` can fill (through rules, cut at the word network's rule depth). */
function slotsOf(node: TemplateNode, intents: CustomIntents, depth = 0): Set<string> {
  switch (node.type) {
    case "word":
      return new Set();
    case "list":
      return new Set([node.slot]);
    case "rule": {
      const rule = intents.rules[node.name];
      return rule && depth < 8 ? slotsOf(rule, intents, depth + 1) : new Set();
    }
    case "sequence":
      return new Set(node.items.flatMap((n) => [...slotsOf(n, intents, depth)]));
    case "alternative":
      return new Set(node.options.flatMap((n) => [...slotsOf(n, intents, depth)]));
  }
}

/** True when `node` may match no words at all (an optional alternative, one with an empty option, a rule or sequence of such). */
function canBeLeftOut(node: TemplateNode, intents: CustomIntents, depth = 0): boolean {
  switch (node.type) {
    case "word":
      return spokenWords(node.text).length === 0;
    case "list":
      return false;
    case "rule": {
      const rule = intents.rules[node.name];
      return !!rule && depth < 8 && canBeLeftOut(rule, intents, depth + 1);
    }
    case "sequence":
      return node.items.every((n) => canBeLeftOut(n, intents, depth));
    case "alternative":
      return node.optional || node.options.some((o) => canBeLeftOut(o, intents, depth));
  }
}

/**
 * The variants of a sequence in which no two items fill the same slot: for the first two items that share a slot
 * (leaving out the runs of identical slot choices, which `distinctRuns` handles), the sequence without the later
 * one and the sequence without the earlier one, whichever of them may be left out; null when no item repeats a
 * slot, or neither may be left out (the sentence then always fills it twice, and the word matcher rejects it).
 */
function splitRepeatedSlots(items: TemplateNode[], intents: CustomIntents): TemplateNode[][] | null {
  const slots = items.map((n) => slotsOf(n, intents));
  for (let j = 1; j < items.length; j++) {
    for (let i = 0; i < j; i++) {
      if (![...slots[i]!].some((s) => slots[j]!.has(s))) continue;
      if (JSON.stringify(items[i]) === JSON.stringify(items[j]) && slotChoices(items[i]!, intents)) continue;
      const variants: TemplateNode[][] = [];
      if (canBeLeftOut(items[j]!, intents)) variants.push(items.filter((_, k) => k !== j));
      if (canBeLeftOut(items[i]!, intents)) variants.push(items.filter((_, k) => k !== i));
      if (variants.length) return variants;
    }
  }
  return null;
}

export interface GrammarOptions {
  /** Fillers around each sentence (default: the text matcher's, fillers.ts). */
  fillers?: Fillers;
  /** Only the sentences of these intents (default all): the command grammar without the follow-up replies. */
  intents?: ReadonlySet<string>;
}

/**
 * Build the JSGF grammar for every intent sentence (of `options.intents`).
 * @throws Error when no sentence can be expressed (the grammar would be empty).
 */
export function buildGrammar(intents: CustomIntents, options: GrammarOptions = {}): Grammar {
  const fillers = options.fillers ?? TEXT_FILLERS;
  const words = new Set<string>();
  const skipped: string[] = [];
  const usedLists = new Set<string>();
  const usedRules = new Set<string>();

  const expr = (node: TemplateNode): string => {
    switch (node.type) {
      case "word": {
        const spoken = spokenWords(node.text);
        spoken.forEach((w) => words.add(w));
        return spoken.length ? spoken.join(" ") : "<NULL>";
      }
      case "list":
        usedLists.add(node.list);
        return `<${ruleName("list", node.list)}>`;
      case "rule":
        usedRules.add(node.name);
        return `<${ruleName("rule", node.name)}>`;
      case "sequence": {
        const variants = splitRepeatedSlots(node.items, intents);
        if (variants) {
          const options = variants.map((items) => expr({ type: "sequence", items })).filter((o) => o !== "<NULL>");
          return options.length ? `(${options.join(" | ")})` : "<NULL>";
        }
        const parts = distinctRuns(node.items, intents, expr).filter((p) => p !== "<NULL>");
        return parts.length ? parts.join(" ") : "<NULL>";
      }
      case "alternative": {
        // Alternatives of plain words ("can i get|can i have") share prefixes like list values do.
        const plain = node.options.map(plainWords);
        if (plain.every((p): p is string[] => p !== null && p.length > 0)) {
          plain.forEach((p) => p.forEach((w) => words.add(w)));
          const tree = prefixTree(plain);
          const group = tree.startsWith("(") && balanced(tree.slice(1, -1)) ? tree.slice(1, -1) : tree;
          return node.optional ? `[${group}]` : `(${group})`;
        }
        const options = node.options.map(expr);
        const nonEmpty = options.filter((o) => o !== "<NULL>");
        if (!nonEmpty.length) return "<NULL>";
        // An empty option makes the whole alternative optional.
        const optional = node.optional || nonEmpty.length < options.length;
        return optional ? `[${nonEmpty.join(" | ")}]` : `(${nonEmpty.join(" | ")})`;
      }
    }
  };

  const intentRules: string[] = [];
  const lines: string[] = [];
  for (const intent of intents.intents) {
    if (options.intents && !options.intents.has(intent.name)) continue;
    const alternatives: string[] = [];
    for (const sentence of intent.sentences) {
      if (usesWildcard(sentence.tree, intents)) {
        skipped.push(`${intent.name}: "${sentence.template}" (wildcard slot)`);
        continue;
      }
      const e = expr(sentence.tree);
      if (e === "<NULL>") skipped.push(`${intent.name}: "${sentence.template}" (no spoken words)`);
      else alternatives.push(`(${e})`);
    }
    if (!alternatives.length) continue;
    const name = ruleName("intent", intent.name);
    intentRules.push(`<${name}>`);
    lines.push(`<${name}> = ${alternatives.join(" | ")};`);
  }
  if (!intentRules.length) {
    const which = options.intents ? ` of the intents ${[...options.intents].join(", ")}` : "";
    throw new Error(`${intents.file}: no sentence${which} can be turned into a speech grammar`);
  }

  // Rules may reference further rules and lists: expand until closed.
  const emittedRules = new Set<string>();
  const emittedLists = new Set<string>();
  while ([...usedRules].some((r) => !emittedRules.has(r)) || [...usedLists].some((l) => !emittedLists.has(l))) {
    for (const name of [...usedRules].filter((r) => !emittedRules.has(r))) {
      emittedRules.add(name);
      lines.push(`<${ruleName("rule", name)}> = ${expr(intents.rules[name]!)};`);
    }
    for (const name of [...usedLists].filter((l) => !emittedLists.has(l))) {
      emittedLists.add(name);
      const values = (spokenListValues(intents.lists[name]!) ?? []).map((v) => v.words);
      values.forEach((v) => v.forEach((w) => words.add(w)));
      lines.push(`<${ruleName("list", name)}> = ${values.length ? prefixTree(values) : "<VOID>"};`);
    }
  }

  const fillerRules: string[] = [];
  const phrases = (list: readonly (readonly string[])[]) => {
    const spoken = list.filter((p) => p.length).map((p) => [...p]);
    spoken.forEach((p) => p.forEach((w) => words.add(w)));
    return spoken.length ? prefixTree(spoken) : null;
  };
  const leading = phrases(fillers.leading);
  const anywhere = phrases([...fillers.anywhere].map((w) => [w]));
  const trailing = phrases(fillers.trailing);
  if (leading) fillerRules.push(`<filler_leading> = ${leading};`);
  if (anywhere) fillerRules.push(`<filler_anywhere> = ${anywhere};`);
  if (trailing) fillerRules.push(`<filler_trailing> = ${trailing};`);
  const command = [
    leading ? "<filler_leading>*" : "",
    anywhere ? "[<filler_anywhere>]" : "",
    `(${intentRules.join(" | ")})`,
    anywhere ? "[<filler_anywhere>]" : "",
    trailing ? "[<filler_trailing>]" : "",
  ].filter(Boolean);
  const jsgf = ["#JSGF V1.0;", "grammar hearth;", `public <command> = ${command.join(" ")};`, ...fillerRules, ...lines, ""].join("\n");
  return { jsgf, words: [...words].sort(), skipped };
}
