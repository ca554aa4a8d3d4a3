/**
 * Book-keeping for messages acknowledged only after their handler settles
 * (typed commands): how many are being handled (the session stops reading
 * from the broker while `limit` are, see `belowLimit`), which QoS 1
 * deliveries were already handled (so a broker's redelivery with DUP set is
 * not acted on twice), and how many QoS 0 ones were refused because too many
 * were pending.
 *
 * A redelivery is recognised by its fingerprint: packet identifier, topic and
 * a hash of the payload. MQTT (3.1.1 §4.4, 5 §4.4) makes the broker resend an
 * unacknowledged PUBLISH with the same packet identifier and DUP set; a new
 * message never has DUP set, so only DUP deliveries are compared and a new
 * command that happens to reuse a packet identifier and text is still acted on.
 */
import { createHash } from "node:crypto";
import type { HandledRecord } from "./handled-journal.ts";
import { RecentKeys } from "./recent-keys.ts";


/** What to do with one incoming command message. */
export type Admission =
  /** Hand it to the handlers. */
  | { kind: "new" }
  /** A redelivery of one being or already handled: acknowledge once `settled` resolves, do not handle. */
  | { kind: "redelivery"; settled: Promise<void> }
  /** QoS 0 with `limit` pending: refuse it (the caller says so). QoS 1 is never refused: the broker already handed it over. */
  | { kind: "full"; pending: number };

/** How long a handled delivery's fingerprint is remembered: longer than any broker outage a session survives is not needed, the resend follows the reconnect. */
export const FINGERPRINT_TTL_MS = 15 * 60_000;
const FINGERPRINTS_KEPT = 10_000;

export class CommandInbox {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly handled = new RecentKeys(FINGERPRINTS_KEPT, FINGERPRINT_TTL_MS);
  private pendingCount = 0;
  private readonly waiters: (() => void)[] = [];
  /** Refused because `limit` were pending. */
  refused = 0;
  /** Redeliveries recognised and not handled again. */
  redeliveries = 0;

  /**
   * @param limit most messages handled at once (handed over and not yet settled)
   * @param journal where handled fingerprints are also kept across restarts (handled-journal.ts); none: this process only
   */
  constructor(readonly limit: number, private readonly journal?: HandledRecord) {}

  /** Messages handed to handlers whose promises have not settled yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /** The fingerprint of a QoS 1 delivery (undefined for QoS 0, which has no packet identifier). */
  static fingerprint(messageId: number | undefined, topic: string, payload: Buffer): string | undefined {
    if (messageId === undefined) return undefined;
    return `${messageId}\0${topic}\0${createHash("sha1").update(payload).digest("base64")}`;
  }

  /** Resolves once fewer than `limit` are pending (at once when that holds already). */
  belowLimit(): Promise<void> {
    if (this.pendingCount < this.limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Decide about one delivery; `dup` is the PUBLISH packet's DUP flag, `qos` its QoS. */
  admit(fingerprint: string | undefined, dup: boolean, qos: 0 | 1 | 2): Admission {
    if (fingerprint !== undefined && dup) {
      const running = this.inFlight.get(fingerprint);
      if (running) {
        this.redeliveries++;
        return { kind: "redelivery", settled: running };
      }
      if (this.handled.has(fingerprint) || (this.journal?.has(fingerprint) ?? false)) {
        this.redeliveries++;
        return { kind: "redelivery", settled: Promise.resolve() };
      }
    }
    if (qos === 0 && this.pendingCount >= this.limit) {
      this.refused++;
      return { kind: "full", pending: this.pendingCount };
    }
    return { kind: "new" };
  }

  /**
   * Count `work` as pending until it settles; remember the delivery as handled
   * from now on (a redelivery arriving mid-way waits for this one).
   * @returns a promise that resolves (never rejects) when `work` settles
   */
  track(fingerprint: string | undefined, work: Promise<unknown>): Promise<void> {
    this.pendingCount++;
    const settled = work.then(() => undefined, () => undefined).finally(() => {
      this.pendingCount--;
      if (this.pendingCount < this.limit) for (const wake of this.waiters.splice(0)) wake();
      if (fingerprint !== undefined) {
        this.inFlight.delete(fingerprint);
        this.handled.add(fingerprint);
        this.journal?.add(fingerprint);
      }
    });
    if (fingerprint !== undefined) this.inFlight.set(fingerprint, settled);
    return settled;
  }
}
