/**
 * Offline segmentation: run Silero VAD and the endpointer over a whole
 * recording and return every utterance in it (push-to-talk style: armed from
 * the start, re-armed after each utterance, no timeout). For trimming silence
 * before speech recognition, and for evaluating the endpointer on real clips.
 */
import type { SileroVad } from "../../models/vad/silero.ts";
import { Endpointer, type EndpointerTimings, type Utterance } from "./endpointer.ts";

/**
 * Utterances of `pcm` (16 kHz mono int16), in order. Resets `vad` first.
 * Trailing samples that do not fill a 512-sample chunk are ignored (< 32 ms).
 */
export async function findUtterances(pcm: Int16Array, vad: SileroVad, timings: EndpointerTimings): Promise<Utterance[]> {
  vad.reset();
  const endpointer = new Endpointer(timings);
  endpointer.arm(0, { timeout: false });
  const utterances: Utterance[] = [];
  const collect = (events: ReturnType<Endpointer["push"]>, at: number): void => {
    for (const event of events) {
      if (event.type !== "speech_end") continue;
      utterances.push(event.utterance);
      endpointer.arm(at, { timeout: false });
    }
  };
  for (const chunk of await vad.process(pcm)) collect(endpointer.push(chunk), chunk.start + chunk.samples.length);
  collect(endpointer.flush(), pcm.length);
  return utterances;
}
