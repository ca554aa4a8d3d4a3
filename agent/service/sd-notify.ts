/**
 * systemd's notify protocol (sd_notify(3)) through the `systemd-notify`
 * program, so hearth needs no native addon: READY=1 once models are loaded and
 * MQTT is connected, STATUS= lines, WATCHDOG=1 pings only while every
 * pipeline made progress recently, STOPPING=1 on shutdown. Without
 * $NOTIFY_SOCKET (not started by systemd) every call is a no-op.
 */
import { execFile } from "node:child_process";
import { logger } from "../log.ts";

const log = logger("service/sd-notify");

export interface HealthCheck {
  /** Pipeline name → ms since it last made progress, or undefined when it reports none yet. */
  (): { healthy: boolean; stale: string[] };
}

export class SystemdNotifier {
  private watchdogTimer?: NodeJS.Timeout;
  readonly enabled: boolean;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env, private readonly program = "systemd-notify") {
    this.enabled = !!env.NOTIFY_SOCKET;
  }

  /** Watchdog interval in ms: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; undefined when off. */
  get watchdogIntervalMs(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  /** Send raw `KEY=value` assignments. Resolves false when not under systemd or on failure. */
  send(...assignments: string[]): Promise<boolean> {
    if (!this.enabled) return Promise.resolve(false);
    return new Promise((resolve) => {
      execFile(this.program, [`--pid=${process.pid}`, ...assignments], { env: this.env, timeout: 5000 }, (err) => {
        if (err) log.warn({ err: err.message, assignments }, "systemd-notify failed");
        resolve(!err);
      });
    });
  }

  ready(status: string): Promise<boolean> {
    return this.send("READY=1", `STATUS=${status}`);
  }

  status(status: string): Promise<boolean> {
    return this.send(`STATUS=${status}`);
  }

  stopping(): Promise<boolean> {
    this.stopWatchdog();
    return this.send("STOPPING=1", "STATUS=stopping");
  }

  /**
   * Ping the watchdog every half period while `health()` says healthy. A stuck
   * pipeline (or a blocked event loop, which stops this timer too) stops the
   * pings, so systemd kills and restarts the service.
   */
  startWatchdog(health: HealthCheck): void {
    const interval = this.watchdogIntervalMs;
    if (interval === undefined) return;
    this.watchdogTimer = setInterval(() => {
      const { healthy, stale } = health();
      if (healthy) void this.send("WATCHDOG=1");
      else log.error({ stale }, "withholding watchdog ping: pipelines made no progress");
    }, interval);
    this.watchdogTimer.unref();
  }

  stopWatchdog(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
