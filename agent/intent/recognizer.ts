/**
 * Text intent recognition over a sentence set (sentence-set.ts), after Home
 * Assistant's hassil: normalise the text, match every sentence template of
 * every intent, keep the matches whose list values satisfy the sentence's
 * `requires_context` and fixed slots, and return the most specific one.
 *
 * Two passes: first with every list as listed; when nothing matches, again
 * with `name` as a wildcard (HA's "unmatched entity" case), so that "turn on
 * the radio" becomes HassTurnOn { name: "radio" } with a lower confidence and
 * the resolver can answer that no such device exists. A wildcard name is not
 * accepted by sentences that fix a domain or device class (it cannot be
 * checked against them), nor when it starts with a determiner or holds words
 * that belong to the sentence's structure or to intents hearth does not
 * implement ("the TV volume", "weather in London").
 */
import type { EntityRegistry } from "../../devices/registry.ts";
import { logger } from "../log.ts";
import type { CustomIntent, CustomIntents } from "./custom-intents.ts";
import { compileList, matchTemplate, NUMBER_TOKEN, requiredAnyOf, type CompiledList, type MatchState, type SlotValue } from "./matcher.ts";
import { assistantNameWords, normalizeUtterance, phraseTokens } from "./normalize.ts";
import type { TemplateNode } from "./template.ts";
import { buildSentenceSet } from "./sentence-set.ts";

const log = logger("agent/intent");

/** Quiet time after the last name change before the sentence set is rebuilt (discovery announces devices in bursts). */
const REBUILD_DEBOUNCE_MS = 200;

/** What the recognizer knows about the situation: the area of the microphone that heard the text. */
export interface RecognitionContext {
  area?: string;
  [key: string]: string | undefined;
}

export interface RecognizedIntent {
  /** HA intent name (HassTurnOn, ...) or the custom intent's name. */
  intent: string;
  /** HA slot names (name, area, floor, domain, device_class, brightness, color, temperature, position, state) or custom slots. */
  slots: Record<string, SlotValue>;
  /** 1 for a match of known words only; 0.5 when an unknown entity name was taken as a wildcard. */
  confidence: number;
  /** Slots filled with words that are no known list value (an unknown entity name). */
  unknownSlots: string[];
  /** The template that matched. */
  sentence: string;
  /** Slots the text did not say but the context filled (the microphone's `area` for "turn on the fan"). */
  fromContext?: string[];
  /** The text as given (the resolver reads the question form of HassGetState from it: "are all", "how many", "which"). */
  text: string;
  /** For custom intents: what to do and what to say (custom-intents.ts). */
  action?: CustomIntent["action"];
  response?: string;
}

/** Slots that a fixed slot of the sentence constrains on a matched entity name. */
const CONSTRAINED_KEYS = ["domain", "device_class"];
const WILDCARD_CONFIDENCE = 0.5;
/** Longer texts are no command (and would only cost matching time). */
const MAX_TOKENS = 40;
/** Pronouns, "everything", and words of HA intents hearth does not implement (media, weather, time, timers): never part of an unknown device name. */
const OTHER_INTENT_WORDS = new Set([
  "a", "an", "the", "'s", "it", "everything", "something", "anything", "volume", "weather", "time", "date", "timer", "timers", "song", "track", "music", "play",
]);

/** Options of IntentRecognizer and LiveIntentRecognizer. */
export interface RecognizerOptions {
  /** Further names of the assistant (wake word names such as "hey_jarvis"), dropped around a command. */
  assistantNames?: readonly string[];
}

interface Candidate {
  result: RecognizedIntent;
  wildcardTokens: number;
  entityMatched: boolean;
  /** A wildcard stands where the sentence requires a kind of entity it cannot check. */
  unverified: boolean;
  slotCount: number;
  order: number;
}

export class IntentRecognizer {
  private readonly lists = new Map<string, CompiledList>();
  private readonly literals = new WeakMap<TemplateNode, Set<string>>();
  /** Per template, per pass (exact, wildcard names): the token sets a text must meet (requiredAnyOf). */
  private readonly required = new WeakMap<TemplateNode, Map<string, Set<string>[]>>();
  /** The sentence set's skip words and phrases, as normalised tokens, longest first. */
  private readonly skipPhrases: string[][];

  private readonly assistantNames: string[][];

  /**
   * @param options.assistantNames names the assistant is called by besides the usual ones
   *   (the configured wake words, e.g. "hey_jarvis"): dropped in front of or after a command.
   */
  constructor(readonly sentenceSet: CustomIntents, options: RecognizerOptions = {}) {
    for (const [name, list] of Object.entries(sentenceSet.lists)) this.lists.set(name, compileList(list));
    this.assistantNames = (options.assistantNames ?? []).flatMap(assistantNameWords);
    this.skipPhrases = (sentenceSet.skipWords ?? []).map(phraseTokens).filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  }

  /** `tokens` without the sentence set's skip words (anywhere, as Home Assistant drops them). */
  private dropSkipPhrases(tokens: ReturnType<typeof normalizeUtterance>): ReturnType<typeof normalizeUtterance> {
    if (!this.skipPhrases.length) return tokens;
    const out: typeof tokens = [];
    for (let i = 0; i < tokens.length; ) {
      const phrase = this.skipPhrases.find((p) => p.every((w, k) => tokens[i + k]?.text === w));
      if (phrase) i += phrase.length;
      else out.push(tokens[i++]!);
    }
    return out;
  }

  /** Recognise `text`; null when no sentence matches it. */
  recognize(text: string, context: RecognitionContext = {}): RecognizedIntent | null {
    const tokens = this.dropSkipPhrases(normalizeUtterance(text, this.assistantNames));
    if (tokens.length === 0) return null;
    if (tokens.length > MAX_TOKENS) {
      log.warn({ tokens: tokens.length, max: MAX_TOKENS }, "text too long for a command; not recognised");
      return null;
    }
    const exact = this.bestMatch(tokens, context, new Set());
    const result = exact ?? (this.lists.has("name") ? this.bestMatch(tokens, context, new Set(["name"])) : null);
    return result && { ...result, text };
  }

  private bestMatch(tokens: ReturnType<typeof normalizeUtterance>, context: RecognitionContext, wildcardLists: ReadonlySet<string>): RecognizedIntent | null {
    const input = { tokens, lists: this.lists, rules: this.sentenceSet.rules, wildcardLists };
    const present = new Set(tokens.map((t) => t.text));
    if (tokens.some((t) => /^-?\d+(\.\d+)?$/.test(t.text))) present.add(NUMBER_TOKEN);
    const pass = [...wildcardLists].join(",");
    let best: Candidate | undefined;
    let order = 0;
    for (const intent of this.sentenceSet.intents) {
      for (const sentence of intent.sentences) {
        order++;
        if (!this.mayMatch(sentence.tree, present, wildcardLists, pass)) continue;
        let states: MatchState[];
        try {
          states = matchTemplate(sentence.tree, input);
        } catch (err) {
          log.error({ intent: intent.name, template: sentence.template, err: (err as Error).message }, "template cannot be matched");
          continue;
        }
        for (const state of states) {
          const candidate = this.accept(intent, sentence, state, context, order);
          if (candidate && (!best || better(candidate, best))) best = candidate;
        }
      }
    }
    return best?.result ?? null;
  }

  /** False when the text lacks a word the template always says, or every value of a list it always fills. */
  private mayMatch(tree: TemplateNode, present: Set<string>, wildcardLists: ReadonlySet<string>, pass: string): boolean {
    let byPass = this.required.get(tree);
    if (!byPass) {
      byPass = new Map();
      this.required.set(tree, byPass);
    }
    let required = byPass.get(pass);
    if (!required) {
      // Most selective first: single words fail fastest.
      required = requiredAnyOf(tree, this.sentenceSet.rules, this.lists, wildcardLists).sort((a, b) => a.size - b.size);
      byPass.set(pass, required);
    }
    return required.every((anyOf) => {
      if (anyOf.size <= present.size) {
        for (const w of anyOf) if (present.has(w)) return true;
        return false;
      }
      for (const w of present) if (anyOf.has(w)) return true;
      return false;
    });
  }

  /** Whether words are exactly an area or floor name. */
  private isPlaceName(words: string[]): boolean {
    const key = words.join(" ");
    for (const list of ["area", "floor"]) {
      const compiled = this.lists.get(list);
      if (compiled?.kind === "values" && (compiled.byFirstToken.get(words[0] ?? "") ?? []).some((v) => v.tokens.join(" ") === key)) return true;
    }
    return false;
  }

  /** Every word a template can say itself (through alternatives and rules), normalised. */
  private literalWords(tree: TemplateNode): Set<string> {
    let words = this.literals.get(tree);
    if (words) return words;
    const found = new Set<string>();
    const seenRules = new Set<string>();
    const walk = (node: TemplateNode): void => {
      if (node.type === "word") for (const w of phraseTokens(node.text)) found.add(w);
      else if (node.type === "sequence") node.items.forEach(walk);
      else if (node.type === "alternative") node.options.forEach(walk);
      else if (node.type === "rule" && !seenRules.has(node.name) && this.sentenceSet.rules[node.name]) {
        seenRules.add(node.name);
        walk(this.sentenceSet.rules[node.name]!);
      }
    };
    walk(tree);
    words = found;
    this.literals.set(tree, words);
    return words;
  }

  /** Check a full match against the sentence's conditions and build its result. */
  private accept(intent: CustomIntent, sentence: CustomIntent["sentences"][number], state: MatchState, context: RecognitionContext, order: number): Candidate | undefined {
    const slots: Record<string, SlotValue> = {};
    for (const [key, value] of Object.entries(sentence.fixedSlots)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") slots[key] = value;
    }
    for (const [key, match] of Object.entries(state.slots)) slots[key] = match.value;
    const matches = Object.values(state.slots);
    // Unknown entity names (the second pass); wildcard lists of custom intents take any words as they are.
    const wildcards = Object.entries(state.slots).filter(([, m]) => m.unknown).map(([k]) => k);
    if (wildcards.length > 0) {
      // The sentence says what kind of entity it is ("activate {name} scene"): an unknown name cannot be one.
      if (CONSTRAINED_KEYS.some((k) => k in sentence.fixedSlots)) return undefined;
      // A wildcard that swallowed the sentence's own words ("set Overhead Light brightness") or words of
      // intents hearth does not implement ("the TV volume", "weather in London") is no name.
      const literals = this.literalWords(sentence.tree);
      for (const key of wildcards) {
        const words = normalizeUtterance(String(slots[key])).map((t) => t.text);
        if (words.some((w) => literals.has(w) || OTHER_INTENT_WORDS.has(w))) return undefined;
        // "turn off the kitchen" names an area, not an unknown device.
        if (this.isPlaceName(words)) return undefined;
      }
    }
    for (const match of matches) {
      if (!match.context) continue;
      // A fixed or matched domain/device_class must be the entity's own.
      for (const key of CONSTRAINED_KEYS) {
        if (slots[key] !== undefined && match.context[key] !== String(slots[key])) return undefined;
      }
      for (const [key, required] of Object.entries(sentence.requiresContext)) {
        if (typeof required === "object" && !Array.isArray(required)) continue;
        const allowed = Array.isArray(required) ? required : [required];
        if (!allowed.includes(match.context[key] ?? "")) return undefined;
      }
      for (const [key, excluded] of Object.entries(sentence.excludesContext)) {
        if ((Array.isArray(excluded) ? excluded : [excluded]).includes(match.context[key] ?? "")) return undefined;
      }
    }
    const fromContext: string[] = [];
    for (const [key, required] of Object.entries(sentence.requiresContext)) {
      if (typeof required === "object" && !Array.isArray(required) && required.slot && slots[key] === undefined && context[key] !== undefined) {
        slots[key] = context[key]!;
        fromContext.push(key);
      }
    }
    const result: RecognizedIntent = {
      intent: intent.name,
      slots,
      confidence: wildcards.length > 0 ? WILDCARD_CONFIDENCE : 1,
      unknownSlots: wildcards,
      sentence: sentence.template,
      text: "",
    };
    if (fromContext.length) result.fromContext = fromContext;
    if (intent.action) result.action = intent.action;
    if (intent.response) result.response = intent.response;
    return {
      result,
      wildcardTokens: state.wildcardTokens,
      entityMatched: matches.some((m) => m.context !== undefined),
      unverified: wildcards.length > 0 && Object.values(sentence.requiresContext).some((r) => typeof r === "string" || Array.isArray(r)),
      slotCount: Object.keys(slots).length,
      order,
    };
  }
}

/**
 * Most specific first: known words over wildcards, then wildcards in sentences
 * without requires_context, then fewer wildcard words; a known entity name
 * over an area + domain reading ("bedroom lamp"); more slots (a sentence that
 * also fixes the domain); with wildcards, fewer slots (assume nothing about
 * an unknown device); then the order of definition.
 */
function better(a: Candidate, b: Candidate): boolean {
  if ((a.wildcardTokens > 0) !== (b.wildcardTokens > 0)) return a.wildcardTokens === 0;
  // An unknown name cannot meet a sentence's requires_context: prefer sentences that have none
  // ("Overhead light on" is { name: "Overhead light" }, not "Overhead" + "light on").
  if (a.unverified !== b.unverified) return !a.unverified;
  if (a.wildcardTokens !== b.wildcardTokens) return a.wildcardTokens < b.wildcardTokens;
  if (a.entityMatched !== b.entityMatched) return a.entityMatched;
  if (a.slotCount !== b.slotCount) return a.wildcardTokens > 0 ? a.slotCount < b.slotCount : a.slotCount > b.slotCount;
  return a.order < b.order;
}

/**
 * A recognizer that follows the registry: when `registry.namesVersion` moves
 * (names, aliases, areas, floors; never state) it rebuilds its sentence set
 * REBUILD_DEBOUNCE_MS after the last such change, off the recognition path,
 * so a burst of discovery messages costs one rebuild. Until then a recognition
 * uses the previous sentence set when it understands the text fully by a
 * known name, and otherwise rebuilds at once (a generic word such as "bulb"
 * must not beat a new name).
 */
export class LiveIntentRecognizer {
  private recognizer: IntentRecognizer | undefined;
  private builtVersion = -1;
  private debounce: NodeJS.Timeout | undefined;
  private readonly onChange = () => {
    if (this.registry.namesVersion === this.builtVersion) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.current(), REBUILD_DEBOUNCE_MS);
    this.debounce.unref();
  };

  /** `options.cameraZones`: the cameras' zone names, for the vision questions (buildSentenceSet). */
  constructor(private readonly registry: EntityRegistry, private readonly custom: CustomIntents[] = [], private readonly options: RecognizerOptions & { cameraZones?: readonly string[] } = {}) {
    registry.on("change", this.onChange);
  }

  /** The sentence set built for the registry's current names (rebuilt now when they changed). */
  current(): IntentRecognizer {
    const version = this.registry.namesVersion;
    if (version !== this.builtVersion || !this.recognizer) {
      clearTimeout(this.debounce);
      this.recognizer = new IntentRecognizer(buildSentenceSet(this.registry, this.custom, this.options.cameraZones), this.options);
      this.builtVersion = version;
      log.debug({ entities: this.registry.all().length, version }, "sentence set rebuilt");
    }
    return this.recognizer;
  }

  recognize(text: string, context: RecognitionContext = {}): RecognizedIntent | null {
    if (this.recognizer && this.builtVersion !== this.registry.namesVersion) {
      // The previous set's full match answers without waiting for a rebuild when it names a known
      // entity. Any other reading waits for the rebuild, also during a discovery burst: a generic word
      // must not beat a name that is new ("turn off the bulb" read as every light before the light
      // named "bulb" is in the set turned off every light).
      const previous = this.recognizer.recognize(text, context);
      if (previous && previous.confidence === 1 && previous.slots.name !== undefined) return previous;
    }
    return this.current().recognize(text, context);
  }

  /** Stop following the registry. */
  close(): void {
    clearTimeout(this.debounce);
    this.registry.off("change", this.onChange);
  }
}
