/**
 * The classifier's features of a delexicalised token sequence (slot values
 * already replaced by placeholders, expand.ts): word unigrams, word bigrams
 * with sentence boundaries, and character 3-grams of every word with
 * word-boundary marks (after fastText's subword features, Bojanowski et al.
 * 2017), so that "brighten", "brightness" and "brighter", or "lighting" and
 * "lights", share evidence.
 */

/** Feature strings of `tokens` (duplicates kept: they count twice). */
export function featuresOf(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let previous = "<s>";
  for (const token of tokens) {
    out.push(`w:${token}`, `b:${previous}_${token}`);
    previous = token;
    if (token.startsWith("{")) continue;
    const marked = `^${token}$`;
    for (let n = 3; n <= 3; n++) for (let i = 0; i + n <= marked.length; i++) out.push(`c:${marked.slice(i, i + n)}`);
  }
  out.push(`b:${previous}_</s>`);
  return out;
}
