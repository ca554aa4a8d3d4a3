/**
 * The fallback recognizer: used when no template matches a text strictly
 * (agent/intent/recognizer.ts). It reads intent and slots from what the
 * strict matcher cannot: unknown words, extra words, odd order, typos.
 *
 * 1. Slot spotting (lexicon.ts): every fuzzy occurrence of an entity, area
 *    or floor name, a colour or another list value, and numbers.
 * 2. Delexicalisation: the open values chosen (two readings where a name and
 *    an area + kind compete) are replaced by placeholders, as in training.
 * 3. Classification (model.ts): a softmax over word and character n-grams
 *    gives each intent data block (label) a probability.
 * 4. Slot filling: for the most probable labels, the spotted values are put
 *    into the slots that label's sentences fill (its schema), and the
 *    label's conditions are checked (a lock sentence needs a lock's name).
 * 5. Calibration (calibration.ts): the reading's evidence becomes the
 *    probability that it is right, fitted on held-apart perturbed expansions
 *    (perturb.ts). That probability is the `confidence` the controller's
 *    policy (policy.ts) acts, asks or refuses on.
 */
import type { CustomIntent, CustomIntents } from "../custom-intents.ts";
import type { SlotValue } from "../matcher.ts";
import { normalizeUtterance } from "../normalize.ts";
import type { RecognitionContext, RecognizedIntent } from "../recognizer.ts";
import { Calibrator, type CalibrationExample, type CalibratorData } from "./calibration.ts";
import { contextAllowed, literalWords, sampleExpansions, type Expansion, type Label } from "./expand.ts";
import { featuresOf } from "./features.ts";
import { Lexicon, segment, type Span } from "./lexicon.ts";
import { FALLBACK_SKIPPED_INTENTS, isUnreadIntent, modelFor, type FallbackModel } from "./model.ts";
import { perturb, type PerturbationKind } from "./perturb.ts";
import { pseudoWordGenerator, seededRandom } from "./random.ts";

/** Longer texts are no command. */
const MAX_TOKENS = 40;
/** Labels tried per reading of the text, most probable first. */
const TOP_LABELS = 5;
/** Calibration expansions drawn per label, and perturbations of each. */
const CALIBRATION_PER_LABEL = 6;
const KINDS_PER_EXPANSION = 2;
const CALIBRATION_KINDS: PerturbationKind[] = ["clean", "typo", "extra", "drop", "swap", "unknown_slots", "unknown_verb", "unrelated", "fragment", "stray_value"];
const OPEN = new Set(["name", "area", "floor"]);

/** The evidence a reading rests on (also the calibration's inputs, in this order). */
export interface ReadingEvidence {
  /** Classifier probability of the reading's label. */
  probability: number;
  /** ln(probability) − ln(probability of the best other label), clipped to ±6. */
  margin: number;
  /** Words neither known to the templates nor part of a slot value. */
  unknownWords: string[];
  unknownShare: number;
  /** Open values (names, areas, numbers, colours) spotted but used by no slot. */
  unusedValues: number;
  /** Lowest similarity of a used slot value (1: all exact). */
  worstSlotScore: number;
  fuzzySlots: number;
  /** A name, area or floor fills a slot. */
  openSlot: boolean;
  /** A single word of a longer entity name stood for it. */
  partialName: boolean;
  /** Words that say what is meant: slot values used, and known words that are no function words (model.ts), at most 4. */
  contentWords: number;
  /** Share of the closest expansion's words the text holds, and of the text's known words that expansion holds. */
  templateRecall: number;
  templatePrecision: number;
  /** Words of that closest expansion the text lacks, at most 4. */
  templateMissing: number;
  /** log10 of the classifier's probability for all labels these values can fill (≥ −6): low when the text looks like an impossible reading. */
  possibleMass: number;
  tokens: number;
}

/** One reading of a text by the fallback. */
export interface FallbackReading {
  intent: string;
  slots: Record<string, SlotValue>;
  /** Calibrated probability (0..1) that the reading is right. */
  confidence: number;
  label: Label;
  evidence: ReadingEvidence;
  action?: CustomIntent["action"];
  response?: string;
}

/**
 * The direction each input of evidenceVector may push the confidence: +1 up
 * only, −1 down only, 0 either way. A fuzzy or partial slot value is weaker
 * evidence than an exact one, never stronger.
 */
const EVIDENCE_SIGNS: readonly (-1 | 0 | 1)[] = [1, 1, -1, -1, -1, 1, -1, 0, -1, 1, 1, 0, 1, -1, 1];

function evidenceVector(e: ReadingEvidence): number[] {
  return [
    e.probability, e.margin, e.unknownShare, Math.min(e.unknownWords.length, 6), e.unusedValues, e.worstSlotScore, e.fuzzySlots,
    e.openSlot ? 1 : 0, e.partialName ? 1 : 0, e.templateRecall, e.templatePrecision, Math.min(e.tokens, 20) / 10, e.contentWords, e.templateMissing, e.possibleMass,
  ];
}

interface Candidate extends Omit<FallbackReading, "confidence"> {
  x: number[];
}

/**
 * Calibrations per model and registry size (log2 of the names and areas,
 * rounded): the evidence depends on how many names there are to confuse, not
 * on which, so a registry change of a few entities reuses the fit.
 */
const calibrations = new WeakMap<FallbackModel, Map<number, { calibrator: Calibrator; stats: FallbackRecognizer["calibration"] }>>();

function countValues(set: CustomIntents, list: string): number {
  const def = set.lists[list];
  return def && "values" in def ? def.values.length : 0;
}

/** The calibration bucket of `set`: log2 of its names and areas, rounded. */
export function calibrationBucket(set: CustomIntents): number {
  return Math.round(Math.log2(1 + countValues(set, "name") + countValues(set, "area")));
}

/** Whether building a FallbackRecognizer for `set` would reuse a calibration (no fitting on the caller's thread). */
export function hasCalibrationFor(model: FallbackModel, set: CustomIntents): boolean {
  return calibrations.get(model)?.has(calibrationBucket(set)) ?? false;
}

/** A fitted calibration as plain data (build-worker.ts hands it back). */
export interface CalibrationData {
  bucket: number;
  calibrator: CalibratorData;
  stats: FallbackRecognizer["calibration"];
}

/** The calibration `recognizer` uses, as plain data. */
export function calibrationToData(recognizer: FallbackRecognizer): CalibrationData {
  const bucket = calibrationBucket(recognizer.set);
  const entry = calibrations.get(recognizer.model)?.get(bucket);
  if (!entry) throw new Error(`fallback: no calibration for bucket ${bucket}`);
  return { bucket, calibrator: entry.calibrator.toData(), stats: entry.stats };
}

/** Make a calibration fitted elsewhere the one later FallbackRecognizers of `model` reuse for its bucket. */
export function installCalibration(model: FallbackModel, data: CalibrationData): void {
  const byBucket = calibrations.get(model) ?? calibrations.set(model, new Map()).get(model)!;
  byBucket.set(data.bucket, { calibrator: Calibrator.fromData(data.calibrator), stats: data.stats });
}

export class FallbackRecognizer {
  private readonly lexicon: Lexicon;
  private readonly intents = new Map<string, CustomIntent>();
  /** Words the templates say themselves (expand.ts). */
  private readonly literal: ReadonlySet<string>;
  private calibrator!: Calibrator;
  /** Milliseconds spent building (training reused from a previous build counts nothing) and calibrating. */
  readonly buildMs: number;
  readonly calibration: { examples: number; right: number; ms: number };

  /**
   * Build for `set` (the strict recognizer's sentence set with the registry's lists filled in).
   * @throws Error when the set has no sentence to learn from.
   */
  constructor(readonly set: CustomIntents, readonly model: FallbackModel = modelFor(set)) {
    const started = performance.now();
    this.lexicon = new Lexicon(set, model.vocabulary);
    this.literal = literalWords(set);
    for (const intent of set.intents) this.intents.set(intent.name, intent);
    const bucket = calibrationBucket(set);
    const byBucket = calibrations.get(model) ?? calibrations.set(model, new Map()).get(model)!;
    let calibration = byBucket.get(bucket);
    if (!calibration) {
      const calibrationStarted = performance.now();
      const examples = this.calibrationExamples();
      calibration = {
        calibrator: Calibrator.fit(examples, { signs: EVIDENCE_SIGNS }),
        stats: { examples: examples.length, right: examples.filter((e) => e.y).length, ms: performance.now() - calibrationStarted },
      };
      byBucket.set(bucket, calibration);
    }
    this.calibrator = calibration.calibrator;
    this.calibration = calibration.stats;
    this.buildMs = performance.now() - started;
  }

  /** Readings of `text`, most confident first (at most three); empty when nothing plausible. */
  recognize(text: string, context: RecognitionContext = {}): FallbackReading[] {
    const tokens = normalizeUtterance(text).map((t) => t.text);
    if (tokens.length === 0 || tokens.length > MAX_TOKENS) return [];
    return this.readTokens(tokens, context).map(({ x, ...c }) => ({ ...c, confidence: this.calibrator.confidence(x) }));
  }

  /** The best reading as the strict recognizer's result type, for the resolver. */
  static asRecognized(reading: FallbackReading, text: string): RecognizedIntent {
    return {
      intent: reading.intent, slots: reading.slots, confidence: reading.confidence, unknownSlots: [], sentence: "(fallback)", text,
      ...(reading.action ? { action: reading.action } : {}), ...(reading.response ? { response: reading.response } : {}),
    };
  }

  private readTokens(tokens: string[], context: RecognitionContext, calibrated = true): Candidate[] {
    const spans = this.lexicon.find(tokens);
    const open = spans.filter((s) => s.placeholder !== undefined);
    // A third reading keeps the words the templates say themselves as words: "lights" is no fuzzy "Light" entity in "turn off the kitchen lights".
    const unsaid = open.filter((s) => !tokens.slice(s.start, s.end).every((t) => this.literal.has(t)));
    const segmentations = [segment(open, tokens.length, "name"), segment(open, tokens.length, "place"), segment(unsaid, tokens.length, "place")];
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    for (const chosen of segmentations) {
      const key = chosen.map((s) => `${s.start}-${s.end}-${s.list}-${String(s.value)}`).join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      const covered = new Uint8Array(tokens.length);
      for (const s of chosen) covered.fill(1, s.start, s.end);
      const free = spans.filter((s) => s.placeholder === undefined && covered.subarray(s.start, s.end).every((c) => c === 0));
      const literal = segment(free, tokens.length, "name");
      for (const s of literal) covered.fill(1, s.start, s.end);
      const delex: string[] = [];
      for (let i = 0; i < tokens.length; ) {
        const s = chosen.find((x) => x.start === i);
        if (s) {
          delex.push(s.placeholder!);
          i = s.end;
        } else delex.push(tokens[i++]!);
      }
      // The classifier's token after position i (a placeholder where a chosen value starts), or undefined at the end.
      const after = (i: number): string | undefined => chosen.find((x) => x.start === i)?.placeholder ?? tokens[i];
      const unknownWords = tokens.filter((t, i) => covered[i] === 0 && !this.model.vocabulary.has(t));
      const raw = this.model.classifier.predict([...new Set(featuresOf(delex))]);
      // The classifier's posterior given that the reading is possible: labels whose slots these values cannot fill drop out.
      const fills = new Map<number, NonNullable<ReturnType<FallbackRecognizer["fill"]>>>();
      for (const id of [...raw.keys()].sort((a, b) => raw[b]! - raw[a]!).slice(0, TOP_LABELS * 3)) {
        const filled = this.fill(id, chosen, literal, context, after);
        if (filled) fills.set(id, filled);
      }
      const mass = [...fills.keys()].reduce((sum, id) => sum + raw[id]!, 0) || 1e-9;
      const order = [...fills.keys()].sort((a, b) => raw[b]! - raw[a]!);
      for (const id of order.slice(0, TOP_LABELS)) {
        const filled = fills.get(id)!;
        const best = order[0] === id ? order[1] : order[0];
        const p = raw[id]! / mass;
        const other = best === undefined ? 1e-9 : raw[best]! / mass;
        const near = this.nearest(id, delex, new Set(unknownWords));
        const used = filled.used;
        const evidence: ReadingEvidence = {
          probability: p,
          margin: Math.max(-6, Math.min(6, Math.log(p) - Math.log(Math.max(other, 1e-9)))),
          unknownWords,
          unknownShare: unknownWords.length / tokens.length,
          unusedValues: chosen.filter((s) => !used.includes(s)).length,
          worstSlotScore: used.length ? Math.min(...used.map((s) => s.score)) : 1,
          fuzzySlots: used.filter((s) => s.score < 1).length,
          openSlot: used.some((s) => OPEN.has(s.list)),
          partialName: used.some((s) => s.partial === true),
          contentWords: Math.min(4, used.length + tokens.filter((t, i) => covered[i] === 0 && this.model.vocabulary.has(t) && !this.model.functionWords.has(t)).length),
          templateRecall: near.recall,
          templateMissing: near.missing,
          possibleMass: Math.max(-6, Math.log10(mass)),
          templatePrecision: near.precision,
          tokens: tokens.length,
        };
        const label = this.model.labels[id]!;
        const intent = this.intents.get(label.intent);
        candidates.push({
          intent: label.intent, slots: filled.slots, label, evidence, x: evidenceVector(evidence),
          ...(intent?.action ? { action: intent.action } : {}), ...(intent?.response ? { response: intent.response } : {}),
        });
      }
    }
    const ranked = candidates
      .map((c) => ({ c, score: calibrated ? this.calibrator.confidence(c.x) : c.evidence.probability }))
      .sort((a, b) => b.score - a.score);
    const distinct = new Map<string, Candidate>();
    for (const { c } of ranked) {
      const key = JSON.stringify([c.intent, c.slots]);
      if (!distinct.has(key)) distinct.set(key, c);
    }
    return [...distinct.values()].slice(0, 3);
  }

  /** Put spotted values into label `id`'s slots; undefined when a slot set cannot be filled or a condition fails. */
  private fill(id: number, open: Span[], literal: Span[], context: RecognitionContext, after: (i: number) => string | undefined): { slots: Record<string, SlotValue>; used: Span[] } | undefined {
    const label = this.model.labels[id]!;
    if (isUnreadIntent(label.intent)) return undefined;
    const schema = this.model.schemas[id]!;
    const available = [...open, ...literal];
    for (const slotSet of schema.slotSets) {
      const used: Span[] = [];
      const slots: Record<string, SlotValue> = {};
      let ok = true;
      for (const slot of slotSet) {
        const lists = schema.listsOf.get(slot) ?? new Set<string>();
        const fits = available
          .filter((s) => !used.includes(s) && !used.some((u) => s.start < u.end && u.start < s.end))
          .filter((s) => (s.list === "#" ? [...lists].some((l) => this.inRange(l, Number(s.value))) && this.numberFits(schema, slot, after(s.end)) : lists.has(s.list)))
          .sort((a, b) => b.score * (b.end - b.start) - a.score * (a.end - a.start) || a.start - b.start);
        const span = fits[0];
        if (!span || (span.list === "name" && !contextAllowed(span.context, label))) {
          ok = false;
          break;
        }
        used.push(span);
        slots[slot] = span.value;
      }
      if (!ok) continue;
      // Open values left over belong to no slot of this label, but a smaller slot set of it may still be meant; keep the fullest.
      for (const [key, value] of Object.entries(label.fixedSlots)) slots[key] = value;
      for (const [key, required] of Object.entries(label.requiresContext)) {
        if (typeof required === "object" && !Array.isArray(required) && slots[key] === undefined && context[key] !== undefined) slots[key] = context[key]!;
      }
      return { slots, used };
    }
    return undefined;
  }

  /**
   * Whether a number followed by `next` (the classifier's token: a
   * placeholder for a value; undefined: the text ends) can fill `slot`: the
   * token after it is one the label's sentences say there, or a word they do
   * not know (a typo, an extra word). "set an alarm for 7" is
   * no siren sounding "for 7 minutes": the unit is never left out there.
   */
  private numberFits(schema: FallbackModel["schemas"][number], slot: string, next: string | undefined): boolean {
    const followers = schema.numberFollowers.get(slot);
    if (!followers) return true;
    const word = next ?? "</s>";
    return followers.has(word) || (next !== undefined && !next.startsWith("{") && !this.model.vocabulary.has(next));
  }

  private inRange(list: string, n: number): boolean {
    const def = this.set.lists[list];
    if (!def || !("range" in def) || !Number.isFinite(n)) return false;
    const { from, to, step, fractions } = def.range;
    if (n < from || n > to) return false;
    if (Number.isInteger(n)) return (n - from) % step === 0;
    return fractions === "halves" ? Number.isInteger(n * 2) : fractions === "tenths";
  }

  /** Recall and precision of the expansion of label `id` closest to the text's words (by F1). */
  private nearest(id: number, delex: string[], unknown: ReadonlySet<string>): { recall: number; precision: number; missing: number } {
    const words = new Set(delex);
    const known = [...words].filter((w) => !unknown.has(w)).length || 1;
    let best = { recall: 0, precision: 0, missing: 4, f1: -1 };
    for (const set of this.model.wordSets[id]!) {
      let common = 0;
      for (const w of set) if (words.has(w)) common++;
      const recall = common / set.size;
      const precision = common / known;
      const f1 = common ? (2 * recall * precision) / (recall + precision) : 0;
      if (f1 > best.f1) best = { recall, precision, missing: Math.min(4, set.size - common), f1 };
    }
    return best;
  }

  /** Perturbed held-apart expansions with real values (perturb.ts), each read and scored right or wrong. */
  private calibrationExamples(): CalibrationExample[] {
    const random = seededRandom(0xca11b);
    const pseudoWord = pseudoWordGenerator(random);
    // The unread intents' sentences stay in: read as a device intent, they are wrong readings the calibration must see.
    const expansions = sampleExpansions(this.set, CALIBRATION_PER_LABEL, { placeholders: false, random, pseudoWord }, FALLBACK_SKIPPED_INTENTS);
    const labelsOf = new Map<string, Set<number>>();
    for (const [i, sets] of this.model.wordSets.entries()) {
      for (const s of sets) for (const w of s) if (!w.startsWith("{")) (labelsOf.get(w) ?? labelsOf.set(w, new Set()).get(w)!).add(i);
    }
    const words = { common: [...labelsOf].filter(([, l]) => l.size >= 3).map(([w]) => w), function: this.model.functionWords };
    const strayValues = sampleExpansions(this.set, 1, { placeholders: false, random, pseudoWord }, FALLBACK_SKIPPED_INTENTS)
      .flatMap((x) => x.slots.filter((s) => s.list !== "name").map((s) => x.tokens.slice(s.start, s.end)));
    const examples: CalibrationExample[] = [];
    const context = { area: "{context area}" };
    for (const e of expansions) {
      for (let k = 0; k < KINDS_PER_EXPANSION; k++) {
        const kind = CALIBRATION_KINDS[Math.floor(random() * CALIBRATION_KINDS.length)]!;
        const text = perturb(e, kind, random, pseudoWord, { ...words, values: strayValues });
        if (!text) continue;
        const [top] = this.readTokens(text.tokens, context, false);
        if (!top) continue;
        examples.push({ x: top.x, y: text.truth !== null && sameReading(top, text.truth, context) });
      }
    }
    return examples;
  }
}

function sameReading(reading: Pick<FallbackReading, "intent" | "slots">, truth: Expansion, context: RecognitionContext): boolean {
  if (reading.intent !== truth.label.intent) return false;
  const expected: Record<string, string> = {};
  for (const s of truth.slots) expected[s.slot] = String(s.value).toLowerCase();
  for (const [k, v] of Object.entries(truth.label.fixedSlots)) expected[k] = String(v).toLowerCase();
  for (const [key, required] of Object.entries(truth.label.requiresContext)) {
    if (typeof required === "object" && !Array.isArray(required) && expected[key] === undefined && context[key] !== undefined) expected[key] = context[key]!.toLowerCase();
  }
  const got = Object.entries(reading.slots);
  return got.length === Object.keys(expected).length && got.every(([k, v]) => expected[k] === String(v).toLowerCase());
}
