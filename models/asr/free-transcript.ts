/**
 * Moonshine's own, unconstrained transcript of an utterance: greedy decoding
 * (the most probable token at every step) until end-of-transcript. Used when
 * the grammar-constrained decode is rejected, so that the text fallback
 * recognizer (agent/intent/fallback/) can still read a command the templates
 * do not cover, under a stricter confidence threshold than typed text.
 */
import { EOS_TOKEN, detokenize, type EncodedAudio, type MoonshineModel } from "./moonshine.ts";

/** What the decoder writes on its own, and how sure it was (mean log-probability per token, ≤ 0). */
export interface FreeTranscript {
  text: string;
  meanLogProb: number;
}

/**
 * Greedy decode of `encoded` (already run through `model.first` or not: the
 * first step is taken here). At most `maxTokens` tokens; empty text when the
 * decoder ends at once.
 */
export async function freeTranscript(model: MoonshineModel, encoded: EncodedAudio, maxTokens: number): Promise<FreeTranscript> {
  let step = await model.first(encoded);
  const tokens: number[] = [];
  let logProb = 0;
  for (let i = 0; i < maxTokens; i++) {
    let best = 0;
    for (let t = 1; t < step.logProbs.length; t++) if (step.logProbs[t]! > step.logProbs[best]!) best = t;
    if (best === EOS_TOKEN) break;
    tokens.push(best);
    logProb += step.logProbs[best]!;
    [step] = await model.step(encoded, [best], [step.cache]);
  }
  return { text: tokens.length ? detokenize(tokens).trim() : "", meanLogProb: tokens.length ? logProb / tokens.length : 0 };
}
