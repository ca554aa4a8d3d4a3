/**
 * Liveness of the agent's pipelines, for the systemd watchdog and `hearth
 * status`. A pipeline (a microphone, a camera, the MQTT session, the command
 * controller while it is busy) calls `progress(name)` whenever it gets work
 * done; `stale(now)` lists the watched pipelines that have been silent for
 * longer than their stall limit. A pipeline is only judged while it is
 * watched: the controller while a session is open, the MQTT session while it
 * is connecting, connected or retrying — an idle controller or a closed
 * session is not stuck.
 *
 * The event loop gets its own check (Node's `monitorEventLoopDelay`): the
 * longest delay since the previous check. A loop blocked for good cannot run
 * the watchdog timer at all, so the pings stop by themselves; a loop that was
 * blocked for longer than the stall limit and came back withholds one ping.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

export interface PipelineHealth {
  name: string;
  /** ms since the last progress (or since it was first watched). */
  silent_ms: number;
  stall_after_ms: number;
  stale: boolean;
}

export interface HealthReport {
  healthy: boolean;
  /** Names of stale pipelines, plus `event-loop` after a long block. */
  stale: string[];
  pipelines: PipelineHealth[];
  /** Longest event-loop delay since the previous report, ms. */
  event_loop_max_delay_ms: number;
}

export class HealthRegistry {
  private readonly pipelines = new Map<string, { last: number; stallAfterMs: number }>();
  private readonly loopDelay: IntervalHistogram;

  /** @param stallAfterMs default stall limit (`service.stall_after_ms`). */
  constructor(private readonly stallAfterMs: number) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
  }

  /**
   * Start judging `name` (idempotent; keeps its last progress time when already
   * watched). `stallAfterMs` overrides the default for pipelines whose normal
   * silence is longer (the MQTT keepalive, the reconnect backoff).
   */
  watch(name: string, options: { stallAfterMs?: number; now?: number } = {}): void {
    const existing = this.pipelines.get(name);
    const stallAfterMs = Math.max(options.stallAfterMs ?? this.stallAfterMs, 1);
    if (existing) existing.stallAfterMs = stallAfterMs;
    else this.pipelines.set(name, { last: options.now ?? Date.now(), stallAfterMs });
  }

  /** Stop judging `name` (it is idle or closed). */
  unwatch(name: string): void {
    this.pipelines.delete(name);
  }

  /** `name` got work done now; watches it with the default limit when it was not watched. */
  progress(name: string, now = Date.now()): void {
    const entry = this.pipelines.get(name);
    if (entry) entry.last = now;
    else this.pipelines.set(name, { last: now, stallAfterMs: this.stallAfterMs });
  }

  /** Watched pipelines silent for longer than their limit. */
  stale(now = Date.now()): string[] {
    return this.list(now).filter((p) => p.stale).map((p) => p.name);
  }

  /** Every watched pipeline with its silence, sorted by name. */
  list(now = Date.now()): PipelineHealth[] {
    return [...this.pipelines.entries()]
      .map(([name, { last, stallAfterMs }]) => ({ name, silent_ms: Math.max(0, now - last), stall_after_ms: stallAfterMs, stale: now - last > stallAfterMs }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The watchdog's question: healthy when no pipeline is stale and the event
   * loop was never blocked longer than the default stall limit since the last call.
   */
  check(now = Date.now()): HealthReport {
    const pipelines = this.list(now);
    const maxDelayMs = this.loopDelay.max / 1e6;
    this.loopDelay.reset();
    const stale = pipelines.filter((p) => p.stale).map((p) => p.name);
    if (maxDelayMs > this.stallAfterMs) stale.push("event-loop");
    return { healthy: stale.length === 0, stale, pipelines, event_loop_max_delay_ms: Math.round(maxDelayMs) };
  }

  /** What `hearth status` shows (does not reset the event-loop figure). */
  snapshot(now = Date.now()): { pipelines: PipelineHealth[]; event_loop_max_delay_ms: number } {
    return { pipelines: this.list(now), event_loop_max_delay_ms: Math.round(this.loopDelay.max / 1e6) };
  }

  close(): void {
    this.loopDelay.disable();
  }
}
