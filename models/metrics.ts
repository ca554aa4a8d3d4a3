/**
 * Per-model inference-time metrics: count, total and p50/p95 of `run` durations
 * (ms) over the most recent runs. Kept in one registry so a Prometheus exporter
 * can read every model's figures later without the sessions knowing about it.
 */

/** Durations kept for the percentiles; older runs only count in `count` and `totalMs`. */
const WINDOW = 1024;

export interface InferenceStats {
  count: number;
  totalMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
}

/** Run-time statistics of one model. */
export class InferenceMetrics {
  private readonly recent = new Float64Array(WINDOW);
  private count = 0;
  private totalMs = 0;

  constructor(readonly model: string, readonly provider: string) {}

  /** Record one run of `ms` milliseconds. */
  record(ms: number): void {
    this.recent[this.count % WINDOW] = ms;
    this.count++;
    this.totalMs += ms;
  }

  /** Figures so far; percentiles by nearest rank over the last WINDOW runs (0 before any run). */
  stats(): InferenceStats {
    const n = Math.min(this.count, WINDOW);
    const sorted = this.recent.slice(0, n).sort();
    const rank = (p: number) => (n ? sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)]! : 0);
    return { count: this.count, totalMs: this.totalMs, meanMs: this.count ? this.totalMs / this.count : 0, p50Ms: rank(50), p95Ms: rank(95) };
  }
}

const registry = new Map<string, InferenceMetrics>();

/** The metrics of `model` (created on first use; one per model name). */
export function metricsFor(model: string, provider: string): InferenceMetrics {
  let metrics = registry.get(model);
  if (!metrics || metrics.provider !== provider) {
    metrics = new InferenceMetrics(model, provider);
    registry.set(model, metrics);
  }
  return metrics;
}

/** Every model's metrics, for exporters. */
export function allInferenceMetrics(): InferenceMetrics[] {
  return [...registry.values()];
}
