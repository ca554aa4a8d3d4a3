/**
 * Matches normalised tokens against one parsed sentence template
 * (agent/intent/template.ts), the way hassil does: a recursive walk over the
 * template tree that keeps every way the text can be consumed (backtracking
 * over optional parts, alternatives and list values of different lengths) and
 * returns the states that consumed the whole text.
 */
import type { SlotList } from "./custom-intents.ts";
import { phraseTokens, type Token } from "./normalize.ts";
import type { TemplateNode } from "./template.ts";

export type SlotValue = string | number | boolean;

/** A wildcard takes at most this many words (device names are short; it bounds the search). */
export const MAX_WILDCARD_TOKENS = 8;

/** A list value ready to match: its normalised words and what it fills the slot with. */
interface CompiledValue {
  tokens: string[];
  out: SlotValue;
  context?: Record<string, string>;
}

/** A slot list ready to match. */
export type CompiledList =
  | { kind: "values"; byFirstToken: Map<string, CompiledValue[]> }
  | { kind: "range"; from: number; to: number; step: number; fractions?: "halves" | "tenths" }
  | { kind: "wildcard" };

/** One filled slot: its value, the words it came from, the list value's context. */
export interface SlotMatch {
  value: SlotValue;
  text: string;
  context?: Record<string, string>;
  /** True when filled by a wildcard (any words). */
  wildcard?: boolean;
  /** True when a values list was matched as a wildcard (an unknown entity name), see MatchInput.wildcardLists. */
  unknown?: boolean;
}

/** A way of consuming the text up to `pos`. */
export interface MatchState {
  pos: number;
  slots: Record<string, SlotMatch>;
  /** Tokens consumed by wildcard slots; fewer means a more specific match. */
  wildcardTokens: number;
}

/** Compile a slot list. Values whose words normalise to nothing are skipped. */
export function compileList(list: SlotList): CompiledList {
  if ("wildcard" in list) return { kind: "wildcard" };
  if ("range" in list) return { kind: "range", ...list.range };
  const byFirstToken = new Map<string, CompiledValue[]>();
  for (const value of list.values) {
    const spoken = typeof value === "string" ? value : value.in;
    const tokens = phraseTokens(spoken);
    if (tokens.length === 0) continue;
    const compiled: CompiledValue = typeof value === "string" ? { tokens, out: value } : { tokens, out: value.out, context: value.context };
    const bucket = byFirstToken.get(tokens[0]!) ?? [];
    bucket.push(compiled);
    byFirstToken.set(tokens[0]!, bucket);
  }
  return { kind: "values", byFirstToken };
}

/** Whether a number is in a range list: integers on the step, or halves/tenths when allowed. */
function inRange(list: Extract<CompiledList, { kind: "range" }>, n: number): boolean {
  if (!Number.isFinite(n) || n < list.from || n > list.to) return false;
  if (Number.isInteger(n)) return (n - list.from) % list.step === 0;
  if (list.fractions === "halves") return Number.isInteger(n * 2);
  if (list.fractions === "tenths") return Math.abs(n * 10 - Math.round(n * 10)) < 1e-9;
  return false;
}

export interface MatchInput {
  tokens: Token[];
  lists: Map<string, CompiledList>;
  rules: Record<string, TemplateNode>;
  /** Lists to match as wildcards in this pass (unknown entity names). */
  wildcardLists: ReadonlySet<string>;
}

const wordCache = new Map<string, string[]>();
function wordTokens(text: string): string[] {
  let tokens = wordCache.get(text);
  if (!tokens) {
    tokens = phraseTokens(text);
    wordCache.set(text, tokens);
  }
  return tokens;
}

function withSlot(state: MatchState, slot: string, match: SlotMatch, pos: number, wildcardTokens = 0): MatchState | undefined {
  const existing = state.slots[slot];
  // The same slot filled twice ("kitchen lights in the kitchen") must agree.
  if (existing && existing.value !== match.value) return undefined;
  return { pos, slots: existing ? state.slots : { ...state.slots, [slot]: match }, wildcardTokens: state.wildcardTokens + wildcardTokens };
}

function matchList(node: Extract<TemplateNode, { type: "list" }>, state: MatchState, input: MatchInput): MatchState[] {
  const { tokens } = input;
  const out: MatchState[] = [];
  const unknown = input.wildcardLists.has(node.list);
  const list = unknown ? ({ kind: "wildcard" } as const) : input.lists.get(node.list);
  if (!list) return out;
  if (list.kind === "values") {
    const first = tokens[state.pos]?.text;
    for (const value of (first !== undefined && list.byFirstToken.get(first)) || []) {
      if (!value.tokens.every((t, k) => tokens[state.pos + k]?.text === t)) continue;
      const end = state.pos + value.tokens.length;
      const text = tokens.slice(state.pos, end).map((t) => t.raw).join(" ");
      const next = withSlot(state, node.slot, { value: value.out, text, context: value.context }, end);
      if (next) out.push(next);
    }
  } else if (list.kind === "range") {
    const token = tokens[state.pos];
    if (token && /^-?\d+(\.\d+)?$/.test(token.text) && inRange(list, Number(token.text))) {
      const next = withSlot(state, node.slot, { value: Number(token.text), text: token.raw }, state.pos + 1);
      if (next) out.push(next);
    }
  } else {
    for (let end = state.pos + 1; end <= Math.min(tokens.length, state.pos + MAX_WILDCARD_TOKENS); end++) {
      const text = tokens.slice(state.pos, end).map((t) => t.raw).join(" ");
      const next = withSlot(state, node.slot, { value: text, text, wildcard: true, ...(unknown && { unknown }) }, end, end - state.pos);
      if (next) out.push(next);
    }
  }
  return out;
}

/** Every state reachable by matching `node` from `state`. */
export function matchNode(node: TemplateNode, state: MatchState, input: MatchInput, depth = 0): MatchState[] {
  if (depth > 64) throw new Error("template expansion too deep (recursive expansion rule?)");
  switch (node.type) {
    case "word": {
      const words = wordTokens(node.text);
      for (let k = 0; k < words.length; k++) if (input.tokens[state.pos + k]?.text !== words[k]) return [];
      return [{ ...state, pos: state.pos + words.length }];
    }
    case "sequence": {
      let states = [state];
      for (const item of node.items) {
        const next: MatchState[] = [];
        for (const s of states) next.push(...matchNode(item, s, input, depth + 1));
        states = dedupe(next);
        if (states.length === 0) break;
      }
      return states;
    }
    case "alternative": {
      const states: MatchState[] = node.optional ? [state] : [];
      for (const option of node.options) states.push(...matchNode(option, state, input, depth + 1));
      return dedupe(states);
    }
    case "list":
      return matchList(node, state, input);
    case "rule": {
      const rule = input.rules[node.name];
      if (!rule) throw new Error(`unknown expansion rule <${node.name}>`);
      return matchNode(rule, state, input, depth + 1);
    }
  }
}

/** Drop states that are the same position with the same slot values (different paths to one result). */
function dedupe(states: MatchState[]): MatchState[] {
  if (states.length < 2) return states;
  const seen = new Set<string>();
  return states.filter((s) => {
    const key = s.pos + "|" + Object.entries(s.slots).map(([k, v]) => `${k}=${String(v.value)}:${v.text}:${JSON.stringify(v.context ?? null)}`).join(",");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The ways `tree` consumes all of `input.tokens`. */
export function matchTemplate(tree: TemplateNode, input: MatchInput): MatchState[] {
  return matchNode(tree, { pos: 0, slots: {}, wildcardTokens: 0 }, input).filter((s) => s.pos === input.tokens.length);
}

/**
 * Words every match of `tree` must contain (through required parts only):
 * a cheap test that skips templates which cannot match a text.
 */
export function requiredWords(tree: TemplateNode, rules: Record<string, TemplateNode>, depth = 0): Set<string> {
  if (depth > 64) return new Set();
  switch (tree.type) {
    case "word":
      return new Set(wordTokens(tree.text));
    case "sequence": {
      const all = new Set<string>();
      for (const item of tree.items) for (const w of requiredWords(item, rules, depth + 1)) all.add(w);
      return all;
    }
    case "alternative": {
      if (tree.optional || tree.options.length === 0) return new Set();
      const [first, ...rest] = tree.options.map((o) => requiredWords(o, rules, depth + 1));
      return new Set([...first!].filter((w) => rest.every((r) => r.has(w))));
    }
    case "list":
      return new Set();
    case "rule":
      return rules[tree.name] ? requiredWords(rules[tree.name]!, rules, depth + 1) : new Set();
  }
}


/** The token that stands for "any number" in `requiredAnyOf` sets (a range list needs a number). */
export const NUMBER_TOKEN = "#number";

/**
 * Sets of tokens of which every match of `tree` contains at least one each: a
 * required word is a set of itself, a required list of values the first
 * tokens of its values, a range list NUMBER_TOKEN, a required alternative the
 * union of one set of each option. A wildcard (or a list in `wildcardLists`)
 * says nothing. Like requiredWords, a cheap test that skips templates which
 * cannot match a text ("[set] {name} [to] {color}" needs a colour word).
 */
export function requiredAnyOf(
  tree: TemplateNode,
  rules: Record<string, TemplateNode>,
  lists: Map<string, CompiledList>,
  wildcardLists: ReadonlySet<string>,
  depth = 0,
): Set<string>[] {
  if (depth > 64) return [];
  switch (tree.type) {
    case "word":
      return wordTokens(tree.text).map((w) => new Set([w]));
    case "sequence":
      return tree.items.flatMap((item) => requiredAnyOf(item, rules, lists, wildcardLists, depth + 1));
    case "alternative": {
      if (tree.optional || tree.options.length === 0) return [];
      const union = new Set<string>();
      for (const option of tree.options) {
        const sets = requiredAnyOf(option, rules, lists, wildcardLists, depth + 1);
        // The option's most selective set; an option with none makes the whole alternative unconstrained.
        const smallest = sets.sort((a, b) => a.size - b.size)[0];
        if (!smallest) return [];
        for (const w of smallest) union.add(w);
      }
      return [union];
    }
    case "list": {
      if (wildcardLists.has(tree.list)) return [];
      const list = lists.get(tree.list);
      if (!list || list.kind === "wildcard") return [];
      if (list.kind === "range") return [new Set([NUMBER_TOKEN])];
      return [new Set(list.byFirstToken.keys())];
    }
    case "rule":
      return rules[tree.name] ? requiredAnyOf(rules[tree.name]!, rules, lists, wildcardLists, depth + 1) : [];
  }
}
