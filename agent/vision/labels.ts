/**
 * The detector's labels as people say them: which COCO labels a word of a
 * question means (the `seen_label` slot of the vision sentences yields a COCO
 * label or one of the groups below), and the nouns the answers use ("one
 * person", "two people", "a cat").
 */
import { COCO_LABELS } from "../../models/detector/coco-labels.ts";

/**
 * Words that stand for several labels: `anything` is every label a camera
 * looks for; the others are fixed COCO subsets.
 */
export const LABEL_GROUPS: Readonly<Record<string, readonly string[] | "all">> = {
  anything: "all",
  vehicle: ["car", "truck", "bus", "motorcycle"],
  pet: ["cat", "dog"],
  animal: ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"],
};

/** Irregular plurals; the rest add "s" (or "es" after s, x, ch, sh). */
const PLURALS: Record<string, string> = { person: "people", sheep: "sheep", bus: "buses", mouse: "mice", knife: "knives", "skis": "skis", "scissors": "scissors" };

/**
 * The COCO labels a slot value means, given the labels the cameras look for
 * (`known`, for `anything`).
 * @throws Error naming the value when it is neither a COCO label nor a group.
 */
export function labelsFor(value: string, known: readonly string[]): string[] {
  const v = value.toLowerCase();
  const group = LABEL_GROUPS[v];
  if (group === "all") return [...known];
  if (group) return [...group];
  if (COCO_LABELS.includes(v)) return [v];
  throw new Error(`label "${value}": not a COCO label (${COCO_LABELS.slice(0, 6).join(", ")}, …) nor one of ${Object.keys(LABEL_GROUPS).join(", ")}`);
}

/** "person" → "people", "cat" → "cats". */
export function pluralNoun(label: string): string {
  if (label in PLURALS) return PLURALS[label]!;
  return /(s|x|ch|sh)$/.test(label) ? `${label}es` : `${label}s`;
}

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

/** A count in words up to twelve, digits above ("two", "15"). */
export function countWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** "a cat", "an airplane", "one person" (people are counted, things get an article). */
function single(label: string): string {
  if (label === "person") return "one person";
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

/** "one person", "two people", "a cat", "3 cars". */
export function countedNoun(label: string, n: number): string {
  return n === 1 ? single(label) : `${countWord(n)} ${pluralNoun(label)}`;
}

/** What a question asked about, for answers: "anyone", "a cat", "a vehicle". */
export function askedNoun(value: string): string {
  const v = value.toLowerCase();
  if (v === "person") return "anyone";
  if (v === "anything") return "anything";
  return single(v);
}

/** "two people and a dog", "a cat, a dog and one person". */
export function listCounts(counts: ReadonlyMap<string, number>): string {
  const parts = [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label, n]) => countedNoun(label, n));
  if (parts.length <= 1) return parts[0] ?? "nothing";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
