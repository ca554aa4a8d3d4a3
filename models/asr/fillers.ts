/**
 * Politeness words in speech, as in text: the text matcher drops "please"
 * (and "kindly") anywhere, "could you", "can you", "hey", "ok", … at the
 * start of a sentence and "for me", "now", "thanks", … at its end
 * (agent/intent/normalize.ts); the speech grammar admits the same words at
 * the same places (the spoken subsets of those lists), so what can be typed
 * politely can be said politely, and the word matcher drops them again
 * before matching.
 */
import { dropSkipWords, dropTrailing, SKIP_ANYWHERE, SKIP_LEADING, SPOKEN_SKIP_TRAILING } from "../../agent/intent/normalize.ts";
import { spokenPhrase } from "./spoken-words.ts";

/** Filler words a sentence may carry (spoken form, lower case). */
export interface Fillers {
  /** One of these may stand between any two words of a sentence, or before or after it. */
  anywhere: ReadonlySet<string>;
  /** Phrases that may open a sentence, several in a row ("hey could you …"). */
  leading: readonly (readonly string[])[];
  /** Phrases that may close a sentence, one of them (the text matcher drops several in a row; speech takes one, see word-network.ts). */
  trailing: readonly (readonly string[])[];
}

/** The text matcher's fillers, spoken. */
export const TEXT_FILLERS: Fillers = {
  anywhere: new Set([...SKIP_ANYWHERE].flatMap((w) => spokenPhrase(w))),
  leading: SKIP_LEADING.map((phrase) => phrase.flatMap((w) => spokenPhrase(w))),
  trailing: SPOKEN_SKIP_TRAILING.map((phrase) => phrase.flatMap((w) => spokenPhrase(w))),
};

/** No fillers: the sentences exactly as written. */
export const NO_FILLERS: Fillers = { anywhere: new Set(), leading: [], trailing: [] };

/** `words` without the fillers, as the text matcher reads a text. */
export function stripFillers(words: readonly string[], fillers: Fillers = TEXT_FILLERS): string[] {
  return dropTrailing(dropSkipWords(words, (w) => w, fillers.anywhere, fillers.leading), (w) => w, fillers.trailing);
}
