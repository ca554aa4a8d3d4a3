/**
 * Places in answers: "in the kitchen", "at the front door". Names are the
 * config's, lower-cased for the sentence; a name that already carries an
 * article or a possessive ("Ada's room") gets no "the". Doors, gates,
 * entrances, porches and windows take "at", everything else "in".
 */

/** "the kitchen", "Ada's room". */
export function placeName(name: string): string {
  const lower = name.toLowerCase();
  if (/^(the|my|our) /.test(lower) || /'s\b/.test(lower)) return lower;
  return `the ${lower}`;
}

/** "in the kitchen", "at the front door". */
export function atPlace(name: string): string {
  return `${/\b(door|doors|gate|entrance|porch|doorstep|window|desk)\b/i.test(name) ? "at" : "in"} ${placeName(name)}`;
}

/** "to the front door", "to the garden" (where someone came). */
export function toPlace(name: string): string {
  return `to ${placeName(name)}`;
}

/** "the kitchen", "the kitchen and the hallway", "the kitchen, the hall and the porch". */
export function joinPlaces(names: readonly string[]): string {
  const words = [...new Set(names)].map(atPlace);
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
