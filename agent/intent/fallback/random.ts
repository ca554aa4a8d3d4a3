/**
 * Seeded randomness for the fallback's training and calibration samples, so
 * that the same sentence set always gives the same model (and the same
 * decisions): mulberry32 (Tommy Ettinger's 32-bit generator), and
 * pronounceable pseudo-words that stand for words hearth has never seen.
 */

/** Uniform in [0, 1), from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "gr", "pl", "st", "tr", "sk", "j", "w"];
const VOWELS = ["a", "e", "i", "o", "u", "oo", "ai", "y"];
const CODAS = ["", "", "n", "r", "s", "t", "m", "k", "x"];

/** A word of 1–3 syllables ("brilo", "stuxam") that no sentence file contains (in practice). */
export function pseudoWordGenerator(random: () => number): () => string {
  const pick = (a: readonly string[]) => a[Math.floor(random() * a.length)]!;
  return () => {
    const syllables = 1 + Math.floor(random() * 3);
    let word = "";
    for (let i = 0; i < syllables; i++) word += pick(ONSETS) + pick(VOWELS);
    return word + pick(CODAS);
  };
}
