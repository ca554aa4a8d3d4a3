/**
 * Multi-microphone wake word arbitration: when several sources detect the same
 * wake word within a window (500 ms by default), only the one with the highest
 * score opens a session — the room that heard it best answers. The first
 * detection opens the window; every detection of that model until it closes
 * joins; at the close the best wins and the others lose.
 *
 * Time is injected (`schedule`) so tests run on a simulated clock.
 */

export interface WakeCandidate {
  source: string;
  model: string;
  score: number;
}

export interface ArbiterClock {
  /** Run `fn` after `ms` milliseconds. */
  schedule(fn: () => void, ms: number): void;
}

const realClock: ArbiterClock = {
  schedule: (fn, ms) => void setTimeout(fn, ms),
};

interface OpenWindow {
  entries: Array<{ candidate: WakeCandidate; resolve: (won: boolean) => void }>;
}

export class WakeArbiter {
  private readonly windows = new Map<string, OpenWindow>();

  constructor(
    private readonly windowMs = 500,
    private readonly clock: ArbiterClock = realClock,
  ) {}

  /**
   * Offer a detection; resolves when its window closes: true when it has the highest score
   * (the earliest wins a tie), false otherwise. With a zero window every detection wins at once.
   */
  submit(candidate: WakeCandidate): Promise<boolean> {
    if (this.windowMs <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let window = this.windows.get(candidate.model);
      if (!window) {
        window = { entries: [] };
        this.windows.set(candidate.model, window);
        const model = candidate.model;
        this.clock.schedule(() => this.close(model), this.windowMs);
      }
      window.entries.push({ candidate, resolve });
    });
  }

  private close(model: string): void {
    const window = this.windows.get(model);
    if (!window) return;
    this.windows.delete(model);
    let best = window.entries[0]!;
    for (const entry of window.entries) if (entry.candidate.score > best.candidate.score) best = entry;
    for (const entry of window.entries) entry.resolve(entry === best);
  }
}
