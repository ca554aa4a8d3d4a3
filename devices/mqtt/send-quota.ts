/**
 * The send quota of MQTT 5 (§4.9 Flow Control): at most Receive Maximum
 * QoS 1 and 2 PUBLISH packets may await their acknowledgement; the broker
 * refuses the rest with reason code 0x97 "Quota exceeded" (mosquitto
 * advertises its max_inflight_messages, 20 by default). MQTT.js does not
 * count, so a burst of device commands — or its own flush of the publishes
 * queued during an outage — lost every one past the twentieth. Publishes wait
 * here, in order, for a free slot instead.
 */
export class SendQuota {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** @param capacity slots (the broker's Receive Maximum) */
  constructor(private capacity: number) {}

  /** Change the number of slots (a new CONNACK); waiters get the slots that opened. */
  setCapacity(capacity: number): void {
    this.capacity = Math.max(1, capacity);
    this.wake();
  }

  /** Resolves when a slot is taken for the caller; `release` must follow once the PUBLISH is acknowledged or failed. */
  acquire(): Promise<void> {
    if (this.inFlight < this.capacity && this.waiting.length === 0) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.wake();
  }

  /** Publishes sent and not yet acknowledged, and those waiting for a slot. */
  get usage(): { inFlight: number; waiting: number; capacity: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length, capacity: this.capacity };
  }

  private wake(): void {
    while (this.inFlight < this.capacity && this.waiting.length > 0) {
      this.inFlight++;
      this.waiting.shift()!();
    }
  }
}
