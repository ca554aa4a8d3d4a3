/**
 * Commands joined by "and": "turn off the lights in the kitchen and the
 * bedroom", "turn off the kitchen and bedroom lights", "turn on the lamp and
 * the fan", "turn off the fan and turn on the lamp".
 *
 * No template says "and"; instead the text is read as several commands that
 * share words, the way English coordination leaves them out (ellipsis). With
 * the text split at "and" / "," / "&" into conjuncts C0 … Cn, a reading takes
 * a prefix P of C0 and a suffix S of Cn as shared, and rebuilds one command
 * per conjunct: C0 + S, P + Ci + S for the middle ones, P + Cn. Every rebuilt
 * command must match a template strictly (known words only, confidence 1),
 * all with the same intent unless nothing is shared (whole commands: "turn
 * off the fan and turn on the lamp"); of several readings the one sharing the most
 * words wins ("turn off the lights in" + "the bedroom", not "turn off the
 * lights in the" + "the bedroom"). Conjuncts that are whole commands are the
 * reading with nothing shared.
 *
 * Only texts the templates do not match as a whole come here (understand.ts),
 * so a name with "and" in it ("Salt and Pepper Lamp") still matches as a name.
 */
import type { RecognizedIntent } from "./recognizer.ts";

/** At most this many conjuncts ("the kitchen, the hall, the bedroom and the office"). */
export const MAX_CONJUNCTS = 6;
/** Words a shared prefix may hold, and a shared suffix ("lights", "light bulbs please"): bounds the search, since commands are short. */
const MAX_SHARED = 10;
const MAX_SHARED_SUFFIX = 3;
const SEPARATORS = new Set(["and", "&", ","]);

/** The conjuncts of `text`: its words split at "and", "&" and commas; undefined when there are fewer than two non-empty ones. */
export function conjuncts(text: string): string[][] | undefined {
  const words = text.replace(/,/g, " , ").split(/\s+/).filter((w) => w.length > 0);
  const parts: string[][] = [[]];
  for (const word of words) {
    if (SEPARATORS.has(word.toLowerCase())) {
      // "the kitchen, and the bedroom": one boundary.
      if (parts[parts.length - 1]!.length > 0) parts.push([]);
    } else parts[parts.length - 1]!.push(word);
  }
  if (parts[parts.length - 1]!.length === 0) parts.pop();
  return parts.length >= 2 && parts.length <= MAX_CONJUNCTS ? parts : undefined;
}

/**
 * The commands a coordinated `text` stands for, each recognised strictly by
 * `recognize` (same intent, known words only), or undefined when it is no
 * such text. `recognize` is called at most a few hundred times (each rebuilt
 * command once).
 */
export function coordinatedCommands(text: string, recognize: (text: string) => RecognizedIntent | null): RecognizedIntent[] | undefined {
  const parts = conjuncts(text);
  if (!parts) return undefined;
  const cache = new Map<string, RecognizedIntent | null>();
  const strict = (words: string[]): RecognizedIntent | null => {
    const key = words.join(" ");
    if (!cache.has(key)) {
      const r = recognize(key);
      cache.set(key, r && r.confidence === 1 && r.unknownSlots.length === 0 ? r : null);
    }
    return cache.get(key)!;
  };
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1);
  let best: { shared: number; commands: RecognizedIntent[] } | undefined;
  for (let s = 0; s < last.length && s <= MAX_SHARED_SUFFIX; s++) {
    const suffix = last.slice(last.length - s);
    const head = strict([...first, ...suffix]);
    if (!head) continue;
    for (let p = 0; p < first.length && p <= MAX_SHARED; p++) {
      if (best && p + s <= best.shared) continue;
      const prefix = first.slice(0, p);
      const commands = [head];
      for (const m of middle) {
        const r = strict([...prefix, ...m, ...suffix]);
        if (!r || (r.intent !== head.intent && p + s > 0)) break;
        commands.push(r);
      }
      if (commands.length !== middle.length + 1) continue;
      const tail = strict([...prefix, ...last]);
      if (!tail || (tail.intent !== head.intent && p + s > 0)) continue;
      best = { shared: p + s, commands: [...commands, tail] };
    }
  }
  return best?.commands.map((c) => ({ ...c, text }));
}
