/**
 * What one render may spend. Each evaluation step (an expression node, a loop
 * iteration, an item a filter touches, a regex VM instruction batch) counts;
 * every string, list or dict the render produces, and the output, is bounded
 * in size. Past either limit the render throws TemplateBudgetError, so a
 * hostile discovery payload costs at most a few milliseconds and kilobytes.
 */
import { TemplateBudgetError } from "./errors.ts";

/** The limits of one render. */
export interface BudgetLimits {
  /** Evaluation steps per render (default 10,000). */
  maxSteps: number;
  /** Longest string (UTF-16 units), list or dict (items) a render may produce, and its output (default 64 KiB). */
  maxSize: number;
}

/** The default limits (devices/template.ts RENDER_BUDGET sets the ones used). */
export const DEFAULT_BUDGET: BudgetLimits = { maxSteps: 10_000, maxSize: 64 * 1024 };

/** The steps spent by one render, and its size checks. */
export class Budget {
  private steps = 0;

  constructor(readonly limits: BudgetLimits = DEFAULT_BUDGET) {}

  /** Spend `count` steps. @throws TemplateBudgetError past `maxSteps`. */
  step(count = 1): void {
    this.steps += count;
    if (this.steps > this.limits.maxSteps) throw new TemplateBudgetError(`template ran past its budget of ${this.limits.maxSteps} steps`);
  }

  /** Refuse a value of `size` (characters or items) before it is built. @throws TemplateBudgetError past `maxSize`. */
  checkSize(size: number, what: string): void {
    if (!(size <= this.limits.maxSize)) throw new TemplateBudgetError(`${what} would be ${Number.isFinite(size) ? Math.ceil(size) : size} long, past the template budget of ${this.limits.maxSize}`);
  }

  get used(): number {
    return this.steps;
  }
}
