/**
 * Operating-point selection shared by the wake-word and detector threshold
 * calibrations: a table of (threshold, patience) → detection rate and false
 * accepts, the proposal for a false-accept budget, and an SVG plot of detection
 * rate against false accepts (a DET-style curve, one line per patience).
 */

export interface OperatingPoint {
  threshold: number;
  /** Consecutive frames at or above the threshold (1 for single-shot detectors). */
  patience: number;
  /** Share of positives detected, 0..1. */
  detection_rate: number;
  false_accepts: number;
  /** False accepts per hour of negative audio, or per negative input for images. */
  fa_rate: number;
}

/**
 * The point with the highest detection rate whose `fa_rate` ≤ `budget`; ties go to the
 * lower patience (faster response), then the higher threshold (more margin). Undefined
 * when no point meets the budget.
 */
export function proposeOperatingPoint(points: OperatingPoint[], budget: number): OperatingPoint | undefined {
  return points
    .filter((p) => p.fa_rate <= budget)
    .sort((a, b) => b.detection_rate - a.detection_rate || a.patience - b.patience || b.threshold - a.threshold)[0];
}

/** Detection rate (y) against false-accept rate (x), one polyline per patience; plain SVG. */
export function operatingCurveSvg(points: OperatingPoint[], title: string, faLabel: string, budget: number, proposed?: OperatingPoint): string {
  const W = 720, H = 440, L = 70, R = 30, T = 40, B = 60;
  const maxFa = Math.max(budget * 2, ...points.map((p) => p.fa_rate), 1e-9);
  const x = (fa: number) => L + (fa / maxFa) * (W - L - R);
  const y = (rate: number) => T + (1 - rate) * (H - T - B);
  const colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"];
  const patiences = [...new Set(points.map((p) => p.patience))].sort((a, b) => a - b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    ...ticks.map((t) => `<text x="${x(t * maxFa)}" y="${H - B + 18}" text-anchor="middle">${(t * maxFa).toPrecision(2)}</text>`),
    ...ticks.map((t) => `<text x="${L - 8}" y="${y(t) + 4}" text-anchor="end">${t * 100}%</text>`),
    `<line x1="${x(budget)}" y1="${T}" x2="${x(budget)}" y2="${H - B}" stroke="#d62728" stroke-dasharray="4 4"/>`,
    ...patiences.map((patience, i) => {
      const pts = points.filter((p) => p.patience === patience).sort((a, b) => a.fa_rate - b.fa_rate || a.detection_rate - b.detection_rate);
      const colour = colours[i % colours.length]!;
      return (
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${x(p.fa_rate).toFixed(1)},${y(p.detection_rate).toFixed(1)}`).join(" ")}"/>` +
        pts.map((p) => `<circle cx="${x(p.fa_rate).toFixed(1)}" cy="${y(p.detection_rate).toFixed(1)}" r="3" fill="${colour}"><title>threshold ${p.threshold}, patience ${p.patience}</title></circle>`).join("") +
        `<text x="${W - R - 8}" y="${T + 16 + 16 * i}" text-anchor="end" fill="${colour}">patience ${patience}</text>`
      );
    }),
    ...(proposed
      ? [`<circle cx="${x(proposed.fa_rate)}" cy="${y(proposed.detection_rate)}" r="7" fill="none" stroke="black" stroke-width="2"/>`,
         `<text x="${x(proposed.fa_rate) + 10}" y="${y(proposed.detection_rate) + 18}">proposed: threshold ${proposed.threshold}, patience ${proposed.patience}</text>`]
      : []),
    `<text x="${(L + W - R) / 2}" y="${H - 20}" text-anchor="middle">${esc(faLabel)} (dashed: budget ${budget})</text>`,
    `<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">detection rate</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
