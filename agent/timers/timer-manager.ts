/**
 * hearth's own timers (HA's HassStartTimer family, without HA): the store
 * (timer-store.ts) is the truth, and one Node timeout per running timer
 * wakes the manager when it is due. A timer that fell due while the agent was
 * down finishes at `start()`, with how late it is, so the announcement can say
 * so. A finished timer is deleted before it is announced: a crash in between
 * loses one announcement rather than running a delayed command twice.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { CommandOrigin } from "../controller/types.ts";
import { logger } from "../log.ts";
import type { StoredTimer, TimerStore } from "./timer-store.ts";

const log = logger("timers/manager");

/** Node timeouts hold at most 2^31-1 ms (24.8 days); longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** A timer found this much past due at start-up counts as finished late (a restart itself takes a moment). */
const LATE_AFTER_MS = 1000;

/** A finished timer; `lateMs` > 0 when it fell due while hearth was not running. */
export interface FinishedTimer {
  timer: StoredTimer;
  lateMs: number;
}

export interface NewTimer {
  name?: string | null;
  durationMs: number;
  origin: CommandOrigin;
  command?: string | null;
}

export class TimerManager extends EventEmitter<{ finished: [FinishedTimer] }> {
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  private started = false;

  /** `now`: the wall clock in epoch ms (tests may shift it). */
  constructor(readonly store: TimerStore, private readonly now: () => number = Date.now) {
    super();
  }

  /** Arm every stored running timer; those already due finish now (with `lateMs`). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const now = this.now();
    for (const timer of this.store.all()) {
      if (timer.state !== "running" || timer.dueAt === null) continue;
      if (timer.dueAt <= now) this.finish(timer, now - timer.dueAt >= LATE_AFTER_MS ? now - timer.dueAt : 0);
      else this.arm(timer);
    }
  }

  /** Stop waking up; stored timers stay for the next start. */
  stop(): void {
    this.started = false;
    for (const wakeup of this.wakeups.values()) clearTimeout(wakeup);
    this.wakeups.clear();
  }

  /** Every timer, oldest first. */
  list(): StoredTimer[] {
    return this.store.all();
  }

  /** Time left, in ms (0 when due). */
  remainingMs(timer: StoredTimer): number {
    if (timer.state === "paused") return Math.max(0, timer.remainingMs ?? 0);
    return Math.max(0, (timer.dueAt ?? 0) - this.now());
  }

  /**
   * Set a timer.
   * @throws Error when the duration is not positive.
   */
  add(spec: NewTimer): StoredTimer {
    if (!(spec.durationMs > 0)) throw new Error(`timer duration must be positive (got ${spec.durationMs} ms)`);
    const now = this.now();
    const timer: StoredTimer = {
      id: randomUUID(),
      name: spec.name ?? null,
      durationMs: spec.durationMs,
      state: "running",
      dueAt: now + spec.durationMs,
      remainingMs: null,
      createdAt: now,
      origin: spec.origin,
      command: spec.command ?? null,
    };
    this.store.put(timer);
    if (this.started) this.arm(timer);
    log.info({ id: timer.id, name: timer.name, duration_ms: timer.durationMs, command: timer.command }, "timer set");
    return timer;
  }

  /** Cancel one timer; false when it no longer exists. */
  cancel(id: string): boolean {
    this.disarm(id);
    const existed = this.store.delete(id);
    if (existed) log.info({ id }, "timer cancelled");
    return existed;
  }

  /**
   * Add `deltaMs` (negative: take off) to a timer's time left and to its set
   * duration. A timer brought to zero or below finishes now.
   * @returns the updated timer, or undefined when it no longer exists.
   */
  adjust(id: string, deltaMs: number): StoredTimer | undefined {
    const timer = this.store.get(id);
    if (!timer) return undefined;
    const left = this.remainingMs(timer) + deltaMs;
    const updated: StoredTimer = {
      ...timer,
      durationMs: Math.max(1000, timer.durationMs + deltaMs),
      ...(timer.state === "paused" ? { remainingMs: Math.max(0, left) } : { dueAt: this.now() + Math.max(0, left) }),
    };
    this.store.put(updated);
    if (updated.state === "running") {
      this.disarm(id);
      if (left <= 0) this.finish(updated, 0);
      else if (this.started) this.arm(updated);
    }
    return updated;
  }

  /** Pause a running timer (its time left is kept); undefined when it no longer exists. */
  pause(id: string): StoredTimer | undefined {
    const timer = this.store.get(id);
    if (!timer) return undefined;
    if (timer.state === "paused") return timer;
    this.disarm(id);
    const paused: StoredTimer = { ...timer, state: "paused", remainingMs: this.remainingMs(timer), dueAt: null };
    this.store.put(paused);
    return paused;
  }

  /** Resume a paused timer; undefined when it no longer exists. */
  resume(id: string): StoredTimer | undefined {
    const timer = this.store.get(id);
    if (!timer) return undefined;
    if (timer.state === "running") return timer;
    const running: StoredTimer = { ...timer, state: "running", dueAt: this.now() + (timer.remainingMs ?? 0), remainingMs: null };
    this.store.put(running);
    if (this.started) this.arm(running);
    return running;
  }

  private arm(timer: StoredTimer): void {
    this.disarm(timer.id);
    const wait = Math.max(0, (timer.dueAt ?? 0) - this.now());
    const wakeup = setTimeout(() => {
      this.wakeups.delete(timer.id);
      const current = this.store.get(timer.id);
      if (!current || current.state !== "running" || current.dueAt === null) return;
      if (current.dueAt > this.now()) this.arm(current);
      else this.finish(current, 0);
    }, Math.min(wait, MAX_TIMEOUT_MS));
    this.wakeups.set(timer.id, wakeup);
  }

  private disarm(id: string): void {
    clearTimeout(this.wakeups.get(id));
    this.wakeups.delete(id);
  }

  private finish(timer: StoredTimer, lateMs: number): void {
    this.disarm(timer.id);
    this.store.delete(timer.id);
    log.info({ id: timer.id, name: timer.name, late_ms: lateMs, command: timer.command }, "timer finished");
    try {
      this.emit("finished", { timer, lateMs });
    } catch (err) {
      log.error({ id: timer.id, err: (err as Error).message }, "timer finished, but announcing it failed");
    }
  }
}
