/**
 * Follow-up turns: after hearth asks a question (a confirmation, "which
 * one?"), the microphone that heard the command listens once more without a
 * wake word, as Home Assistant Assist and Rhasspy do. The voice extension
 * requests it when the question has been spoken; the pipeline of that source
 * takes the request at its next frame and arms its endpointer (with the
 * no-speech timeout).
 */
export class FollowUps {
  private readonly waiting = new Set<string>();

  /** The next utterance on `source` answers a question: listen for it without a wake word. */
  request(source: string): void {
    this.waiting.add(source);
  }

  /** True once per request for `source` (the pipeline then arms its endpointer). */
  take(source: string): boolean {
    return this.waiting.delete(source);
  }
}
