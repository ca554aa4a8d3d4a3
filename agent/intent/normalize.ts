/**
 * Text normalisation shared by the sentence templates and the text to match,
 * so that both sides meet in the same token space: lower case, punctuation
 * dropped, possessive "'s" split off, "%" → "percent", "°" → "degrees",
 * English number words → digits ("twenty one" → "21", "one hundred" → "100",
 * "twenty point five" → "20.5", "minus five" and "-5" → "-5").
 */

/** One normalised token and the original words it came from (for wildcard slot values). */
export interface Token {
  text: string;
  raw: string;
}

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const DIGIT_WORDS: Record<string, string> = { zero: "0", oh: "0", one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9" };

/** Split text into raw words, mapping symbols to words first. */
function rawWords(text: string): string[] {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/(\d)\s*%/g, "$1 percent ")
    .replace(/%/g, " percent ")
    .replace(/\s*°\s*[cf]?\b/gi, " degrees ")
    .replace(/°/g, " degrees ")
    .replace(/(^|\s)-(?=\d)/g, "$1minus ")
    .replace(/(\S)'s\b/gi, "$1 's")
    .replace(/[^\p{L}\p{N}'.\s]/gu, " ")
    // A dot is kept only inside a number or a word like "pm2.5".
    .replace(/\.(?!\d)|(?<![\p{L}\p{N}])\./gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 0 && w !== "'");
}

/**
 * Collapse runs of number words into one digit token. Returns the number of
 * words consumed at `start` and the value, or undefined when none is a number.
 */
function readNumber(words: string[], start: number): { length: number; value: string } | undefined {
  let total = 0;
  let current = 0;
  let i = start;
  let last: "unit" | "teen" | "tens" | "hundred" | "thousand" | undefined;
  while (i < words.length) {
    const w = words[i]!;
    if (w in UNITS) {
      const v = UNITS[w]!;
      // "one two" is two numbers, "twenty one" is one; a unit cannot follow a unit.
      if (last === "unit" || last === "teen" || (last === "tens" && v >= 10)) break;
      current += v;
      last = v >= 10 ? "teen" : "unit";
    } else if (w in TENS) {
      if (last === "unit" || last === "teen" || last === "tens") break;
      current += TENS[w]!;
      last = "tens";
    } else if (w === "hundred" && last !== undefined && last !== "hundred" && last !== "thousand") {
      current = current * 100;
      last = "hundred";
    } else if (w === "thousand" && last !== undefined && last !== "thousand") {
      total += current * 1000;
      current = 0;
      last = "thousand";
    } else if (w === "and" && (last === "hundred" || last === "thousand") && (words[i + 1] ?? "") in { ...UNITS, ...TENS }) {
      // "one hundred and five"
    } else {
      break;
    }
    i++;
  }
  if (last === undefined) return undefined;
  let value = String(total + current);
  // "twenty point five" → 20.5
  if (words[i] === "point" && (words[i + 1] ?? "") in DIGIT_WORDS) {
    let fraction = "";
    let j = i + 1;
    while (j < words.length && words[j]! in DIGIT_WORDS) fraction += DIGIT_WORDS[words[j++]!];
    value += "." + fraction;
    i = j;
  }
  return { length: i - start, value };
}

/** Normalise text into tokens (see the module comment). */
export function tokenize(text: string): Token[] {
  const raws = rawWords(text);
  const lower = raws.map((w) => w.toLowerCase());
  const tokens: Token[] = [];
  for (let i = 0; i < lower.length; ) {
    // "minus five", "-5"
    const digits = (w: string | undefined) => w !== undefined && /^\d+(\.\d+)?$/.test(w);
    const negative = lower[i] === "minus" && (readNumber(lower, i + 1) !== undefined || digits(lower[i + 1]));
    const at = negative ? i + 1 : i;
    const number = readNumber(lower, at) ?? (negative ? { length: 1, value: lower[at]! } : undefined);
    if (number) {
      const length = number.length + (negative ? 1 : 0);
      tokens.push({ text: negative ? `-${number.value}` : number.value, raw: raws.slice(i, i + length).join(" ") });
      i += length;
    } else if (lower[i] === "ish" && tokens.length > 0 && /^\p{L}+$/u.test(tokens[tokens.length - 1]!.text)) {
      // "red-ish", "red ish" → "redish": one word, as the colour lists spell the -ish forms.
      const last = tokens[tokens.length - 1]!;
      tokens[tokens.length - 1] = { text: last.text + "ish", raw: `${last.raw}-${raws[i]}` };
      i++;
    } else {
      tokens.push({ text: lower[i]!, raw: raws[i]! });
      i++;
    }
  }
  return tokens;
}

/**
 * Words that carry no meaning for a command, dropped from the text (never from
 * templates). SKIP_ANYWHERE and SKIP_LEADING are also what the speech grammar
 * admits (models/asr/fillers.ts); the TEXT_ lists add what only typed text
 * drops, so the spoken grammar (and its rejection of noise) stays as measured.
 */
export const SKIP_ANYWHERE: ReadonlySet<string> = new Set(["please", "kindly"]);
/** SKIP_ANYWHERE and typed abbreviations. */
export const TEXT_SKIP_ANYWHERE: ReadonlySet<string> = new Set([...SKIP_ANYWHERE, "pls", "plz"]);

/**
 * Names people give a voice assistant, dropped in front of (and after) a
 * command: "alexa turn off the lights", "hey google, lights on". The configured
 * wake words are added per recognizer (IntentRecognizer's `assistantNames`).
 */
export const ASSISTANT_NAMES: readonly string[] = ["alexa", "olly", "siri", "google", "ok google", "hey google", "cortana", "bixby", "jarvis", "mycroft", "rhasspy"];

/** Phrases as normalised tokens, longest first (so "would you be able to" wins over "would you"). */
function phrases(list: readonly string[]): string[][] {
  return list.map((p) => phraseTokens(p)).sort((a, b) => b.length - a.length);
}

/**
 * Phrases dropped at the start of a text, repeatedly ("hey alexa could you …"):
 * greetings, the assistant's names, requests ("can you", "i want you to"),
 * wishes ("i'd like to", "i want") and hesitations. What stays is the command.
 */
export const TEXT_SKIP_LEADING: readonly (readonly string[])[] = phrases([
    "hey", "hi", "hello", "ok", "okay", "yo", "um", "uh", "er", "so", "now", "just", "and", "also", "then",
    ...ASSISTANT_NAMES,
    "can you", "could you", "would you", "will you", "can u", "could u", "would you be able to", "are you able to", "are you able",
    "i want you to", "i need you to", "i'd like you to", "i would like you to", "i wish you would",
    "i want to", "i wanna", "i'd like to", "i would like to", "i need to", "i'd love to", "i'd love you to",
    "i want", "i'd like", "i would like", "i need",
    "go ahead and", "help me", "let's", "lets", "let us", "try to", "quickly", "be so kind as to",
]);

/** The leading phrases the speech grammar admits too (a subset of TEXT_SKIP_LEADING). */
export const SKIP_LEADING: readonly (readonly string[])[] = [["could", "you"], ["can", "you"], ["would", "you"], ["will", "you"], ["hey"], ["ok"], ["okay"]];

/** Phrases dropped at the end of a text, repeatedly ("… for me now, thanks"). */
export const SKIP_TRAILING: readonly (readonly string[])[] = phrases([
  "now", "right now", "for me", "for us", "thanks", "thank you", "thank you very much", "asap", "immediately", "right away", "at once", "already", "ok", "okay",
  ...ASSISTANT_NAMES,
]);

/**
 * The trailing phrases the speech grammar admits too (a subset of SKIP_TRAILING: "for me", "now", "thanks";
 * not "ok" or the assistant's names, which the wake word and the noise rejection would trip over).
 */
export const SPOKEN_SKIP_TRAILING: readonly (readonly string[])[] = [["for", "me"], ["for", "us"], ["now"], ["right", "now"], ["thanks"], ["thank", "you"]];

/**
 * Normalise a user's text for matching: `tokenize`, then drop politeness
 * words ("please" anywhere; "could you", "alexa", ... at the start; "now",
 * "thanks", ... at the end). `assistantNames` are further names to drop at
 * either end (the configured wake words, as said: "hey jarvis").
 */
export function normalizeUtterance(text: string, assistantNames: readonly (readonly string[])[] = []): Token[] {
  const longestFirst = (list: readonly (readonly string[])[]) => [...list].sort((a, b) => b.length - a.length);
  const leading = assistantNames.length ? longestFirst([...TEXT_SKIP_LEADING, ...assistantNames]) : TEXT_SKIP_LEADING;
  const trailing = assistantNames.length ? longestFirst([...SKIP_TRAILING, ...assistantNames]) : SKIP_TRAILING;
  const tokens = dropSkipWords(tokenize(text), (t) => t.text, TEXT_SKIP_ANYWHERE, leading);
  return dropTrailing(tokens, (t) => t.text, trailing);
}

/** `items` without `trailing` phrases at the end, repeatedly; never the whole text. */
export function dropTrailing<T>(items: readonly T[], wordOf: (item: T) => string, trailing: readonly (readonly string[])[] = SKIP_TRAILING): T[] {
  let out = items.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of trailing) {
      const start = out.length - suffix.length;
      if (suffix.length && start > 0 && suffix.every((w, k) => wordOf(out[start + k]!) === w)) {
        out = out.slice(0, start);
        changed = true;
      }
    }
  }
  return out;
}

/** A configured wake word's spoken words ("hey_jarvis" → hey jarvis), for `normalizeUtterance`'s `assistantNames`. */
export function assistantNameWords(name: string): string[][] {
  const words = phraseTokens(name.replace(/[_-]+/g, " "));
  if (words.length === 0) return [];
  // "hey jarvis" is also said as "jarvis"; the leading "hey" is dropped on its own anyway.
  return words[0] === "hey" || words[0] === "ok" || words[0] === "okay" ? [words, words.slice(1)].filter((w) => w.length) : [words];
}

/**
 * `items` without skip words: every `anywhere` word, then `leading` phrases at
 * the start, repeatedly. Shared by the text matcher (tokens) and the speech
 * word matcher (spoken words, with the same lists in spoken form).
 */
export function dropSkipWords<T>(
  items: readonly T[],
  wordOf: (item: T) => string,
  anywhere: ReadonlySet<string> = SKIP_ANYWHERE,
  leading: readonly (readonly string[])[] = SKIP_LEADING,
): T[] {
  let out = items.filter((item) => !anywhere.has(wordOf(item)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of leading) {
      if (prefix.length && prefix.every((w, k) => out[k] !== undefined && wordOf(out[k]!) === w)) {
        out = out.slice(prefix.length);
        changed = true;
      }
    }
  }
  return out;
}

/** The normalised token texts of a fixed phrase (a template word or a list value). */
export function phraseTokens(text: string): string[] {
  return tokenize(text).map((t) => t.text);
}
