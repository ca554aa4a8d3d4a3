/**
 * Letter-to-sound fallback for words missing from the pronouncing dictionary:
 * a small set of English spelling rules (longest grapheme first, the "magic
 * e" that lengthens a vowel before consonant + final e, a silent final e,
 * soft c/g before e/i/y), producing CMU ARPAbet phones without stress.
 *
 * It is a rough approximation in the spirit of the NRL rules (Elovitz et al.,
 * "Letter-to-Sound Rules for Automatic Translation of English Text to
 * Phonetics", 1976), good enough for brand and place names the decoder would
 * otherwise not know at all; hand-written pronunciations in the config
 * (`asr.pronunciations`) override it.
 */

/** Multi-letter graphemes, tried longest first. */
const GRAPHEMES: [string, string][] = [
  ["tion", "SH AH N"], ["sion", "ZH AH N"], ["ture", "CH ER"], ["ough", "AO"], ["augh", "AO"],
  ["eigh", "EY"], ["igh", "AY"], ["tch", "CH"], ["dge", "JH"], ["sch", "S K"],
  ["ch", "CH"], ["sh", "SH"], ["th", "TH"], ["ph", "F"], ["wh", "W"], ["ck", "K"], ["ng", "NG"], ["qu", "K W"],
  ["gh", "G"], ["kn", "N"], ["wr", "R"], ["ee", "IY"], ["ea", "IY"], ["oo", "UW"], ["ou", "AW"], ["ow", "OW"],
  ["oi", "OY"], ["oy", "OY"], ["ai", "EY"], ["ay", "EY"], ["ey", "IY"], ["ei", "EY"], ["au", "AO"], ["aw", "AO"],
  ["ew", "UW"], ["ie", "IY"], ["ue", "UW"], ["oa", "OW"], ["ar", "AA R"], ["er", "ER"], ["ir", "ER"], ["ur", "ER"],
  ["or", "AO R"],
];

const SHORT_VOWEL: Record<string, string> = { a: "AE", e: "EH", i: "IH", o: "AA", u: "AH", y: "IH" };
const LONG_VOWEL: Record<string, string> = { a: "EY", e: "IY", i: "AY", o: "OW", u: "UW", y: "AY" };
const CONSONANT: Record<string, string> = {
  b: "B", c: "K", d: "D", f: "F", g: "G", h: "HH", j: "JH", k: "K", l: "L", m: "M", n: "N", p: "P",
  q: "K", r: "R", s: "S", t: "T", v: "V", w: "W", x: "K S", z: "Z",
};

const isVowel = (ch: string | undefined) => ch !== undefined && "aeiouy".includes(ch);

/**
 * ARPAbet phones (space-separated, e.g. "K AO F IY") for a lower-case word.
 * Letters other than a–z and apostrophes are ignored; returns "" when nothing
 * is left to say.
 */
export function letterToSound(word: string): string {
  const w = word.toLowerCase().replace(/[^a-z]/g, "");
  const phones: string[] = [];
  let i = 0;
  while (i < w.length) {
    const grapheme = GRAPHEMES.find(([g]) => w.startsWith(g, i));
    if (grapheme) {
      phones.push(grapheme[1]);
      i += grapheme[0].length;
      continue;
    }
    const ch = w[i]!;
    const next = w[i + 1];
    if (isVowel(ch) && !(ch === "y" && i === 0)) {
      // Silent final e (but "be", "me": a lone vowel is said).
      if (ch === "e" && i === w.length - 1 && phones.length > 0 && w.length > 2) break;
      // Magic e: vowel, one consonant, final e → long vowel ("make", "mode").
      const magicE = next !== undefined && !isVowel(next) && i + 2 === w.length - 1 && w[i + 2] === "e";
      const open = i === w.length - 1 && w.length > 2; // "latte" has e, "mocha" ends in a
      phones.push(magicE || (open && ch !== "a" && ch !== "y") ? LONG_VOWEL[ch]! : ch === "y" && i === w.length - 1 ? "IY" : SHORT_VOWEL[ch]!);
    } else if (ch === "y") {
      phones.push("Y");
    } else if ((ch === "c" || ch === "g") && (next === "e" || next === "i" || next === "y")) {
      phones.push(ch === "c" ? "S" : "JH");
    } else if (ch === next) {
      // Doubled consonants are one sound ("latte", "espresso").
      phones.push(CONSONANT[ch]!);
      i++;
    } else {
      phones.push(CONSONANT[ch]!);
    }
    i++;
  }
  return phones.join(" ");
}
