/**
 * The registry-independent half of the fallback recognizer, learned from the
 * sentence set's own templates: sampled expansions with open slot values
 * replaced by placeholders (expand.ts) train a softmax classifier over word
 * and character n-grams (features.ts, softmax.ts) whose classes are the
 * intents' data blocks (an intent with its fixed slots and conditions), and
 * give each block's slot schema (which lists fill which slots, which sets of
 * slots its sentences fill together) and the word sets of its expansions (to
 * tell how close a text comes to any of its sentences).
 *
 * Entity names never enter it, so it is trained once per sentence set (the
 * built-in sentences plus the user's intents) and kept while only the
 * registry changes; see `modelFor`.
 */
import type { CustomIntents } from "../custom-intents.ts";
import { isLocalIntent } from "../../local/local-intents.ts";
import { NUMBER_PLACEHOLDER, sampleExpansions, type Expansion, type Label } from "./expand.ts";
import { featuresOf } from "./features.ts";
import { pseudoWordGenerator, seededRandom } from "./random.ts";
import { SoftmaxClassifier, type SoftmaxData } from "./softmax.ts";

/** Expansions drawn per label (data block) for training. */
const TRAIN_PER_LABEL = 40;
/** Word sets kept per label for the nearest-sentence evidence. */
const MAX_WORD_SETS = 60;
/** Words said by at least this share of the labels' sentences are function words. */
const FUNCTION_WORD_SHARE = 0.2;
/** Intents the fallback never guesses: a reply, not a command. */
export const FALLBACK_SKIPPED_INTENTS: ReadonlySet<string> = new Set(["HassNevermind"]);

/**
 * Intents the fallback learns but never reads: hearth's local intents (clock,
 * timers, broadcast, the "needs Home Assistant" refusals;
 * agent/local/local-intents.ts). Their sentences are short and distinctive
 * and the templates already cover them, so a reading of one is never needed;
 * but as classes they keep their words known ("weather", "timer"), and the
 * probability the classifier gives them counts against every device reading
 * of the text (its possible mass, recognizer.ts): "what's the weather like
 * in paris" is no temperature question asked with unknown words.
 */
export function isUnreadIntent(intent: string): boolean {
  return isLocalIntent(intent);
}

/** What a label's sentences fill: slot → the lists that fill it, and the slot sets that occur together. */
export interface SlotSchema {
  listsOf: Map<string, Set<string>>;
  /** Distinct sets of list-filled slots (sorted names), largest first. */
  slotSets: string[][];
  /** Slot filled by a number → the words its sentences say right after the number ("</s>": none). */
  numberFollowers: Map<string, Set<string>>;
}

export interface FallbackModel {
  key: string;
  labels: Label[];
  classifier: SoftmaxClassifier;
  schemas: SlotSchema[];
  /** Every word the training text holds (placeholders included). */
  vocabulary: ReadonlySet<string>;
  /** Words said by the sentences of at least FUNCTION_WORD_SHARE of the labels ("the", "turn", "off"): they say little on their own. */
  functionWords: ReadonlySet<string>;
  /** Per label: distinct word sets of its expansions. */
  wordSets: ReadonlySet<string>[][];
  /** Milliseconds spent training: wall-clock, and CPU time of this process (a busy machine inflates the first). */
  trainMs: number;
  trainCpuMs: number;
}

/** What identifies a sentence set for the model: its templates, conditions and non-registry lists. */
export function modelKey(set: CustomIntents): string {
  const intents = set.intents.map((i) => [i.name, i.sentences.map((s) => [s.template, s.fixedSlots, s.requiresContext, s.excludesContext])]);
  const lists = Object.entries(set.lists).filter(([name]) => !["name", "area", "floor"].includes(name));
  const rules = Object.keys(set.rules).sort().map((r) => [r, JSON.stringify(set.rules[r])]);
  return JSON.stringify([intents, lists, rules]);
}

/** Train the model of `set` (deterministic: fixed seeds). @throws Error when the set has no sentence to learn from. */
export function trainModel(set: CustomIntents): FallbackModel {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const random = seededRandom(0x5eed);
  const expansions = sampleExpansions(set, TRAIN_PER_LABEL, { placeholders: true, random, pseudoWord: pseudoWordGenerator(random) }, FALLBACK_SKIPPED_INTENTS);
  if (expansions.length === 0) throw new Error(`${set.file}: no sentence to train the fallback recognizer on`);
  const labels: Label[] = [];
  const index = new Map<string, number>();
  const schemaSets: { listsOf: Map<string, Set<string>>; slotSets: Map<string, string[]>; numberFollowers: Map<string, Set<string>> }[] = [];
  const wordSets: Map<string, ReadonlySet<string>>[] = [];
  const vocabulary = new Set<string>();
  const samples = expansions.map((e: Expansion) => {
    let id = index.get(e.label.key);
    if (id === undefined) {
      id = labels.length;
      index.set(e.label.key, id);
      labels.push(e.label);
      schemaSets.push({ listsOf: new Map(), slotSets: new Map(), numberFollowers: new Map() });
      wordSets.push(new Map());
    }
    const schema = schemaSets[id]!;
    const filled = [...new Set(e.slots.map((s) => s.slot))].sort();
    schema.slotSets.set(filled.join(","), filled);
    for (const s of e.slots) {
      const lists = schema.listsOf.get(s.slot) ?? new Set<string>();
      lists.add(s.list);
      schema.listsOf.set(s.slot, lists);
      if (e.tokens[s.start] === NUMBER_PLACEHOLDER) {
        const followers = schema.numberFollowers.get(s.slot) ?? schema.numberFollowers.set(s.slot, new Set()).get(s.slot)!;
        followers.add(e.tokens[s.end] ?? "</s>");
      }
    }
    for (const t of e.tokens) vocabulary.add(t);
    const words = wordSets[id]!;
    const key = [...new Set(e.tokens)].sort().join(" ");
    if (words.size < MAX_WORD_SETS && !words.has(key)) words.set(key, new Set(e.tokens));
    return { features: [...new Set(featuresOf(e.tokens))], label: id };
  });
  const labelsOf = new Map<string, Set<number>>();
  wordSets.forEach((sets, id) => {
    for (const set of sets.values()) for (const w of set) if (!w.startsWith("{")) (labelsOf.get(w) ?? labelsOf.set(w, new Set()).get(w)!).add(id);
  });
  const functionWords = new Set([...labelsOf].filter(([, l]) => l.size >= labels.length * FUNCTION_WORD_SHARE).map(([w]) => w));
  const classifier = SoftmaxClassifier.train(samples, labels.length, { epochs: 3, learningRate: 0.4, l2: 1e-6, random });
  return {
    key: modelKey(set),
    labels,
    classifier,
    schemas: schemaSets.map((s) => ({ listsOf: s.listsOf, slotSets: [...s.slotSets.values()].sort((a, b) => b.length - a.length), numberFollowers: s.numberFollowers })),
    vocabulary,
    functionWords,
    wordSets: wordSets.map((m) => [...m.values()]),
    trainMs: performance.now() - started,
    trainCpuMs: cpuMs(process.cpuUsage(cpuStarted)),
  };
}

/** User + system CPU milliseconds of a process.cpuUsage() difference. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

let cached: FallbackModel | undefined;

/** Whether `modelFor(set)` would reuse a trained model (no training on the caller's thread). */
export function hasModelFor(set: CustomIntents): boolean {
  return cached?.key === modelKey(set);
}

/** A model as plain data (the classifier's weights unwrapped), for a worker thread to hand back. */
export type FallbackModelData = Omit<FallbackModel, "classifier"> & { classifier: SoftmaxData };

export function modelToData(model: FallbackModel): FallbackModelData {
  return { ...model, classifier: model.classifier.toData() };
}

/** Make a model trained elsewhere (build-worker.ts) the one `modelFor` reuses; returns it (the one already here when it is the same). */
export function installModel(data: FallbackModelData): FallbackModel {
  if (cached?.key === data.key) return cached;
  cached = { ...data, classifier: SoftmaxClassifier.fromData(data.classifier) };
  return cached;
}

/** The model of `set`, trained now or reused when the last one was trained on the same templates (a registry change only). */
export function modelFor(set: CustomIntents): FallbackModel {
  const key = modelKey(set);
  if (cached?.key !== key) cached = trainModel(set);
  return cached;
}
