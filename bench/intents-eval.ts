/**
 * Scoring of the text intent recognizer on Home Assistant's intent test
 * sentences, shared by bench/intents.ts and the accuracy-floor test.
 * Each JSONL line: `{ text, intent, slots, context, ... }` where `intent` is
 * the intent name (or `{ name }`), `slots` the expected slots and `context`
 * the recognition context (it may carry the microphone's `area`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IntentRecognizer, type RecognitionContext } from "../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../agent/intent/sentence-set.ts";
import { loadFixtures } from "../devices/fixtures.ts";

/** The intents hearth implements; every other intent of the test set is reported as out of scope. */
export const IN_SCOPE_INTENTS = [
  "HassTurnOn", "HassTurnOff", "HassLightSet", "HassClimateSetTemperature", "HassClimateGetTemperature", "HassSetPosition", "HassGetState", "HassNevermind",
];

export interface IntentTestCase {
  line: number;
  text: string;
  intent: string;
  slots: Record<string, unknown>;
  context: RecognitionContext;
}

export interface IntentTestSet {
  cases: IntentTestCase[];
  recognizer: IntentRecognizer;
}

/**
 * Load the test sentences and a recognizer over the fixtures' entities.
 * @throws Error naming the file and line of a malformed test case.
 */
export function loadIntentTestSet(dataDir: string): IntentTestSet {
  const file = join(dataDir, "ha-en-dev.jsonl");
  const registry = loadFixtures(join(dataDir, "ha-en-fixtures.yaml"));
  const cases = readFileSync(file, "utf8").split("\n").flatMap((raw, i): IntentTestCase[] => {
    if (!raw.trim()) return [];
    let doc: { text?: unknown; intent?: unknown; slots?: unknown; context?: unknown };
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
    }
    const intent = typeof doc.intent === "string" ? doc.intent : (doc.intent as { name?: unknown } | undefined)?.name;
    if (typeof doc.text !== "string" || typeof intent !== "string") throw new Error(`${file}:${i + 1}: expected "text" and "intent" (a name or { name })`);
    const context: RecognitionContext = {};
    for (const [k, v] of Object.entries((doc.context ?? {}) as Record<string, unknown>)) if (typeof v === "string") context[k] = v;
    return [{ line: i + 1, text: doc.text, intent, slots: (doc.slots ?? {}) as Record<string, unknown>, context }];
  });
  return { cases, recognizer: new IntentRecognizer(buildSentenceSet(registry, [])) };
}

export interface IntentFailure {
  line: number;
  text: string;
  context: RecognitionContext;
  inScope: boolean;
  expected: { intent: string; slots: Record<string, unknown> };
  got: { intent: string; slots: Record<string, unknown> } | null;
}

export interface IntentReport {
  perIntent: Record<string, { inScope: boolean; total: number; correct: number; wrongInScope: number }>;
  inScope: { total: number; correct: number; accuracy: number };
  outOfScope: { total: number; claimedByInScope: number; unmatched: number };
  failures: IntentFailure[];
}

function sameSlots(expected: Record<string, unknown>, got: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
  for (const key of keys) {
    const e = expected[key];
    const g = got[key];
    if (typeof e === "number" || typeof g === "number") {
      if (Number(e) !== Number(g)) return false;
    } else if (e !== g) {
      return false;
    }
  }
  return true;
}

/** Recognise every test sentence and count exact matches per intent. */
export function evaluateIntents(set: IntentTestSet): IntentReport {
  const perIntent: IntentReport["perIntent"] = {};
  const failures: IntentFailure[] = [];
  const outOfScope = { total: 0, claimedByInScope: 0, unmatched: 0 };
  for (const c of set.cases) {
    const inScope = IN_SCOPE_INTENTS.includes(c.intent);
    const row = (perIntent[c.intent] ??= { inScope, total: 0, correct: 0, wrongInScope: 0 });
    row.total++;
    const got = set.recognizer.recognize(c.text, c.context);
    const correct = got !== null && got.intent === c.intent && sameSlots(c.slots, got.slots);
    if (correct) row.correct++;
    else {
      if (got && got.intent !== c.intent && IN_SCOPE_INTENTS.includes(got.intent)) row.wrongInScope++;
      failures.push({ line: c.line, text: c.text, context: c.context, inScope, expected: { intent: c.intent, slots: c.slots }, got: got && { intent: got.intent, slots: got.slots } });
    }
    if (!inScope) {
      outOfScope.total++;
      if (got === null) outOfScope.unmatched++;
      else if (IN_SCOPE_INTENTS.includes(got.intent)) outOfScope.claimedByInScope++;
    }
  }
  const inRows = Object.values(perIntent).filter((r) => r.inScope);
  const total = inRows.reduce((n, r) => n + r.total, 0);
  const correct = inRows.reduce((n, r) => n + r.correct, 0);
  return { perIntent, inScope: { total, correct, accuracy: total ? correct / total : 0 }, outOfScope, failures };
}
