/**
 * Keeps a live source alive: when it fails or ends, log the error naming the
 * source, enter `restarting`, wait (exponential backoff from `minDelayMs` to
 * `maxDelayMs`, back to the minimum once frames flow again) and reopen it,
 * until the signal aborts. The pattern of wyoming-satellite's input services.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { logger } from "../log.ts";
import type { AudioSource } from "./source.ts";

const log = logger("agent/audio");

export type SourceState = "starting" | "running" | "restarting" | "stopped";

export interface ResilientOptions {
  minDelayMs: number;
  maxDelayMs: number;
  signal?: AbortSignal;
  /** Called on every state change, with the error that caused a restart. */
  onState?: (state: SourceState, error?: Error) => void;
}

/** Frames of `open()`'s sources, one after another, reopening on failure. Ends only when `signal` aborts. */
export async function* resilientSource(name: string, open: () => AudioSource, options: ResilientOptions): AudioSource & AsyncGenerator<Int16Array> {
  let delay = options.minDelayMs;
  const setState = (state: SourceState, error?: Error): void => options.onState?.(state, error);
  setState("starting");
  while (!options.signal?.aborted) {
    let error: Error;
    let flowing = false;
    try {
      for await (const frame of open()) {
        if (!flowing) {
          flowing = true;
          delay = options.minDelayMs;
          setState("running");
        }
        yield frame;
        if (options.signal?.aborted) break;
      }
      if (options.signal?.aborted) break;
      error = new Error(`audio source ${name}: ended`);
    } catch (err) {
      error = err as Error;
    }
    log.error({ source: name, retry_in_ms: delay, err: error.message }, "audio source failed; restarting");
    setState("restarting", error);
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      break; // aborted while waiting
    }
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
  setState("stopped");
}
