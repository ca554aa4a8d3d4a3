/**
 * Availability of a discovered entity from its availability topics, as Home
 * Assistant's MqttAvailabilityMixin decides it: each entry has a topic, the
 * payloads meaning available / not available (default `online` / `offline`)
 * and an optional value template applied first; `availability_mode` combines
 * the entries: `latest` (the last message on any entry decides), `all` (every
 * entry must say available) or `any` (one entry saying available suffices).
 *
 * hearth's registry contract treats "unknown" as available, so an entry that
 * has not reported yet never makes the entity unavailable on its own.
 */
import { renderValueTemplate, type CompiledTemplate } from "../template.ts";

export interface AvailabilityEntry {
  topic: string;
  payloadAvailable: string;
  payloadNotAvailable: string;
  template?: CompiledTemplate;
}

export type AvailabilityMode = "all" | "any" | "latest";

export class AvailabilityTracker {
  /** Per entry: true (available), false (not available), undefined (not reported yet). */
  private readonly reported: (boolean | undefined)[];
  private latest: boolean | undefined;

  constructor(readonly entries: AvailabilityEntry[], readonly mode: AvailabilityMode) {
    this.reported = entries.map(() => undefined);
  }

  /**
   * Apply a message received on entry `index`'s topic. Payloads matching
   * neither value are ignored (as HA does).
   * @returns the entity's availability after the message.
   */
  receive(index: number, payload: string): boolean {
    const entry = this.entries[index]!;
    const value = entry.template ? renderValueTemplate(entry.template, payload) : payload;
    if (value === entry.payloadAvailable) this.reported[index] = this.latest = true;
    else if (value === entry.payloadNotAvailable) this.reported[index] = this.latest = false;
    return this.available;
  }

  get available(): boolean {
    switch (this.mode) {
      case "latest":
        return this.latest !== false;
      case "all":
        return this.reported.every((r) => r !== false);
      case "any":
        return this.reported.every((r) => r === undefined) || this.reported.some((r) => r === true);
    }
  }
}
