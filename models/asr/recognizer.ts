/**
 * The speech recognizer contract: one utterance of 16 kHz mono int16 PCM in,
 * a transcript (with intent and slots when the backend decodes a grammar of
 * the intents) or an explicit rejection out. Out-of-grammar speech, noise and
 * silence must come back rejected, never forced onto the nearest command.
 */

/** A recognised utterance. */
export interface Transcript {
  /** Decoded words, lower case, space separated. */
  text: string;
  /** 0..1; for the grammar backends a logistic of the margin against the competing model (phone loop, free decoder). */
  confidence: number;
  /** Set by grammar backends, which decode straight into an intent. */
  intent?: string;
  slots?: Record<string, unknown>;
  /** PocketSphinx with rejection: best-path score per 10 ms frame of the command minus the phone loop's. */
  loopMargin?: number;
  /** Moonshine: mean per token of (the decoder's most probable token's log-probability − the command's token's), ≥ 0. */
  tokenDeficit?: number;
  /** Grammar backends: a longer sentence of the grammar goes on from these words (they may be half of what is being said). */
  continues?: boolean;
  /** Moonshine with several intent families: the winning family's normalised score minus the runner-up's (log-probability per token, ≥ 0). */
  familyMargin?: number;
}

/** Nothing usable was said; `reason` is for logs and the `rejected` event. */
export interface Rejected {
  rejected: true;
  reason: string;
  /** Speech outside the grammar (not noise): what an open-vocabulary decode of it wrote, for the text fallback recognizer. */
  transcript?: string;
  /** Mean log-probability per token of `transcript` (≤ 0). */
  transcriptLogProb?: number;
}

export type RecognitionResult = Transcript | Rejected;

/** Per-utterance options of a recognizer. */
export interface RecognizeOptions {
  /**
   * Grammar backends: the intents this utterance may express (default all), e.g. every intent but the
   * follow-up replies while no question is pending. Open-vocabulary backends ignore it.
   */
  intents?: ReadonlySet<string>;
}

export interface SpeechRecognizer {
  /** Recognise one utterance: `pcm` is 16 kHz mono signed 16-bit. */
  recognize(pcm: Int16Array, options?: RecognizeOptions): Promise<RecognitionResult>;
  /** Release the decoder (WASM memory or native handles). */
  close(): void;
}

/** Sample rate every recognizer expects, in Hz. */
export const ASR_SAMPLE_RATE = 16_000;

/** True for a rejection (narrows the union). */
export function isRejected(result: RecognitionResult): result is Rejected {
  return "rejected" in result;
}
