/**
 * Word similarity for fuzzy slot matching: the optimal-string-alignment
 * (restricted Damerau–Levenshtein) distance, which counts a swap of two
 * neighbouring letters as one edit (the commonest typing error), and a
 * phonetic key in the spirit of Lawrence Philips' Metaphone (much
 * simplified): letters that sound alike map to one class and vowels after the
 * first letter drop out, so "colour"/"color", "bedrom"/"bedroom" and
 * "lite"/"light" meet.
 */

/** Edits (insert, delete, substitute, swap neighbours) from `a` to `b`; stops early above `max` (returns max + 1). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** Edits a word of this length may be away from a known word and still be taken for it. */
export function allowedEdits(length: number): number {
  // Four-letter words are one edit from too many others ("back" → "black", "lamp" → "lump").
  return length >= 8 ? 2 : length >= 5 ? 1 : 0;
}

/** A sound-alike key: "light" and "lite" → "LT", "colour" and "color" → "KLR". Empty for words without letters. */
export function phoneticKey(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z]/g, "");
  if (!w) return "";
  w = w
    .replace(/^kn|^gn|^pn|^wr/, (m) => m[1]!)
    .replace(/ph/g, "f")
    .replace(/ck/g, "k")
    .replace(/gh(?![aeiou])/g, "")
    .replace(/c(?=[eiy])/g, "s")
    .replace(/[cq]/g, "k")
    .replace(/x/g, "ks")
    .replace(/z/g, "s")
    .replace(/dg/g, "j")
    .replace(/sh|ch/g, "x")
    .replace(/th/g, "0")
    .replace(/v/g, "f")
    .replace(/(?<!^)[wyh]/g, "");
  const first = w[0]!;
  const rest = w.slice(1).replace(/[aeiou]/g, "");
  const key = (/[aeiou]/.test(first) ? "A" : first.toUpperCase()) + rest.toUpperCase();
  return key.replace(/(.)\1+/g, "$1");
}

/**
 * How alike a typed word is to a known word, 0..1: 1 equal, 0.9 the same
 * after dropping a plural "s", 0.85 within the allowed edits or the same
 * phonetic key (for words of four letters or more), else 0.
 */
export function wordSimilarity(typed: string, known: string): number {
  if (typed === known) return 1;
  // "lights" → "light", but "news" is not "new": the singular must keep four letters.
  const singular = (w: string) => (w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w);
  if (singular(typed) === singular(known)) return 0.9;
  if (/^\d/.test(typed) || /^\d/.test(known)) return 0;
  const edits = allowedEdits(Math.min(typed.length, known.length));
  if (edits > 0 && editDistance(typed, known, edits) <= edits) return 0.85;
  // A sound-alike must still be spelt nearly alike: "delete" and "daylight" share a key but not a word.
  if (typed.length >= 5 && known.length >= 5 && phoneticKey(typed) === phoneticKey(known) && editDistance(typed, known, 2) <= 2) return 0.8;
  return 0;
}
