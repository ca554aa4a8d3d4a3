/**
 * How template tokens are said: the speech recognizer's vocabulary is spoken
 * words only, so digits become number words ("25" → "twenty five"), "%"
 * becomes "percent" and "°" "degrees". The grammar generator and the matcher
 * that maps a decoded word sequence back to slots both use this, so what the
 * decoder emits is always something the matcher can read.
 */

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/**
 * English cardinal number words for an integer, e.g. 125 → "one hundred twenty five".
 * @throws RangeError outside ±999 999 999 or for non-integers.
 */
export function numberToWords(n: number): string[] {
  if (!Number.isInteger(n) || Math.abs(n) > 999_999_999) throw new RangeError(`cannot say ${n} in words`);
  if (n < 0) return ["minus", ...numberToWords(-n)];
  if (n < 20) return [ONES[n]!];
  if (n < 100) return n % 10 ? [TENS[Math.floor(n / 10)]!, ONES[n % 10]!] : [TENS[n / 10]!];
  const scales: [number, string][] = [[1_000_000, "million"], [1000, "thousand"], [100, "hundred"]];
  for (const [size, name] of scales) {
    if (n >= size) {
      const rest = n % size;
      return [...numberToWords(Math.floor(n / size)), name, ...(rest ? numberToWords(rest) : [])];
    }
  }
  throw new RangeError(`cannot say ${n} in words`);
}

/**
 * The spoken words for one template token (already lower-cased by the
 * template parser): numbers are spelled out (digit by digit past nine
 * digits), symbols named, and stray punctuation dropped. Returns [] for a token with nothing to say.
 */
export function spokenWords(token: string): string[] {
  const words: string[] = [];
  // A token may glue a number to a unit ("50%", "21°c"); split at the boundaries. A minus sign
  // counts only at the start of the token: in "tv-2" the hyphen joins a name to its number.
  for (const part of token.toLowerCase().match(/^-\d+(?:\.\d+)?|\d+(?:\.\d+)?|%|°|[\p{L}']+/gu) ?? []) {
    if (part === "%") words.push("percent");
    else if (part === "°") words.push("degrees");
    else if (/^-?\d+\.\d+$/.test(part)) {
      const [whole, fraction] = part.split(".");
      words.push(...integerWords(whole!), "point", ...[...fraction!].map((d) => ONES[Number(d)]!));
    } else if (/^-?\d+$/.test(part)) words.push(...integerWords(part));
    else {
      const word = part.replace(/^'+|'+$/g, "");
      if (word) words.push(word);
    }
  }
  return words;
}

/** An integer token's words; beyond nine digits it is a serial or an address ("100050060900"), said digit by digit. */
function integerWords(token: string): string[] {
  const digits = token.replace(/^-/, "");
  if (digits.length <= 9) return numberToWords(Number(token));
  return [...(token.startsWith("-") ? ["minus"] : []), ...[...digits].map((d) => ONES[Number(d)]!)];
}

/** Spoken words of a whole phrase (a list value, a transcript). */
export function spokenPhrase(text: string): string[] {
  return text.split(/\s+/).flatMap(spokenWords);
}
