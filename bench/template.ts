/**
 * Template engine timings: how long each known hostile template (the attacks
 * of ../shared/attacks/03–06 and other blow-ups) takes to be refused, cold
 * (the first render in the process, as after a restart with a retained
 * config) and warm (max and median of the following renders), and the render
 * rate of ordinary discovery templates. Target: every refusal under 50 ms.
 * Wall time is what blocks the event loop; CPU time (process.cpuUsage) is
 * shown too, since on a shared machine wall time mostly measures the others.
 * Prints a table and writes reports/template.json.
 *
 *   node --import tsx bench/template.ts [repeats=20]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { compileTemplate, RENDER_BUDGET, renderValueTemplate } from "../devices/template.ts";

const repeats = Number(process.argv[2] ?? 20);
const payload = "y".repeat(300);
const write = "process.getBuiltinModule('fs').writeFileSync('marker', 'x'); return 'ran'";

const hostile: Array<[string, string]> = [
  ["constructor via list key (attacks/03)", `{{ value[["constructor"]][["constructor"]]("${write}")() }}`],
  ["bare constructor (evil-sensor-config)", `{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(constructor), 'constructor').value("${write}")() }}`],
  ["center(20000000) (attacks/05)", "{{ 'x' | center(20000000) }}"],
  ["indent(40000000) (attacks/06)", "{{ value | indent(40000000) | length }}"],
  ["4 nested for over the payload (attacks/05)", "{% for a in value %}{% for b in value %}{% for c in value %}{% for d in value %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"],
  ["nested range(100000)", "{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}"],
  ["range(1e9)", "{{ range(1000000000) | length }}"],
  ["replace amplification", "{{ value | replace('', value ~ value ~ value ~ value) }}"],
  ["string doubling in a namespace", "{% set ns = namespace(s=value) %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"],
  ["string * 1e8", "{{ value * 100000000 }}"],
  ["2 ** 1e7", "{{ 2 ** 10000000 }}"],
  ["macro recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"],
  ["output flood", "{% for i in range(100000) %}{{ value }}{% endfor %}"],
  ["(y+)+$ on 300 y and !", "{{ (value ~ '!') | regex_match('(y+)+$') }}"],
  ["regex_findall over 16,000 characters", "{{ (value * 53) | regex_findall('(y|yy|yyy)*?z') }}"],
  ["a new large pattern per loop item", "{% for i in range(3000) %}{{ 'x' | regex_match('(a|b){' ~ (i % 200) ~ '}c' ~ i) }}{% endfor %}"],
];

const ordinary = [
  ["{{ value_json.state }}", '{"state": "ON"}'],
  ["{{ value_json['temperature'] | round(1) }}", '{"temperature": 21.26}'],
  ["{% set values = {'schedule':'auto','manual':'heat','pause':'off'} %}{% set value = value_json.operating_mode %}{{ values[value] if value in values.keys() else 'off' }}", '{"operating_mode": "manual"}'],
  ["{{ value_json[\"ev_status\"] | default('',True) | string | truncate(254, True, '', 0) }}", '{"ev_status": "charging"}'],
  ['{"latest_version":"{{ value_json[\'update\'][\'latest_version\'] }}","in_progress":{{ (value_json[\'update\'][\'state\'] == \'updating\')|lower }}}', '{"update": {"latest_version": "1.2", "state": "idle"}}'],
] as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<{ case: string; error: string; cold_ms: number; warm_median_ms: number; warm_max_ms: number; cold_cpu_ms: number; warm_max_cpu_ms: number }> = [];
for (const [name, source] of hostile) {
  const template = compileTemplate(source);
  const times: number[] = [];
  const cpu: number[] = [];
  let error = "(rendered)";
  for (let i = 0; i <= repeats; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    try {
      renderValueTemplate(template, payload);
    } catch (err) {
      error = `${(err as Error).name}: ${(err as Error).message}`;
    }
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    times.push(performance.now() - started);
  }
  const [cold, ...warm] = times;
  const [coldCpu, ...warmCpu] = cpu;
  rows.push({ case: name, error, cold_ms: +cold!.toFixed(2), warm_median_ms: +median(warm).toFixed(3), warm_max_ms: +Math.max(...warm).toFixed(2), cold_cpu_ms: +coldCpu!.toFixed(2), warm_max_cpu_ms: +Math.max(...warmCpu).toFixed(2) });
}

const ordinaryRates = ordinary.map(([source, state]) => {
  const template = compileTemplate(source);
  const n = 20_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) renderValueTemplate(template, state);
  const ms = performance.now() - started;
  return { template: source.slice(0, 60), output: renderValueTemplate(template, state), renders_per_s: Math.round((n * 1000) / ms), us_per_render: +((ms * 1000) / n).toFixed(2) };
});

console.log(`render budget: ${RENDER_BUDGET.steps} steps, ${RENDER_BUDGET.outputChars} characters, ${RENDER_BUDGET.milliseconds} ms`);
console.log("hostile template                               cold ms  warm p50  warm max  cold cpu  max cpu  outcome");
for (const r of rows) console.log(`${r.case.padEnd(46)} ${String(r.cold_ms).padStart(7)} ${String(r.warm_median_ms).padStart(9)} ${String(r.warm_max_ms).padStart(9)} ${String(r.cold_cpu_ms).padStart(9)} ${String(r.warm_max_cpu_ms).padStart(8)}  ${r.error.slice(0, 70)}`);
console.log("\nordinary template                                             µs/render  renders/s");
for (const r of ordinaryRates) console.log(`${r.template.padEnd(62)} ${String(r.us_per_render).padStart(9)} ${String(r.renders_per_s).padStart(10)}`);
const worst = Math.max(...rows.map((r) => Math.max(r.cold_ms, r.warm_max_ms)));
const worstCpu = Math.max(...rows.map((r) => Math.max(r.cold_cpu_ms, r.warm_max_cpu_ms)));
const load = (await import("node:os")).loadavg()[0]!;
console.log(`\nslowest refusal: ${worst.toFixed(1)} ms wall, ${worstCpu.toFixed(1)} ms CPU (target < 50 ms); load average ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} CPUs`);

mkdirSync("reports", { recursive: true });
writeFileSync("reports/template.json", JSON.stringify({ date: new Date().toISOString(), node: process.version, budget: RENDER_BUDGET, repeats, hostile: rows, ordinary: ordinaryRates, slowest_refusal_ms: worst, slowest_refusal_cpu_ms: worstCpu, load_average: load }, null, 2));
console.log("wrote reports/template.json");
