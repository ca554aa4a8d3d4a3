import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeAudioFile } from "/work/wt-asr/agent/audio/decode-file.ts";
import { loadCustomIntents } from "/work/wt-asr/agent/intent/custom-intents.ts";
import { PocketSphinxRecognizer } from "/work/wt-asr/models/asr/pocketsphinx.ts";
import { trimSilence } from "/work/wt-asr/models/asr/trim-silence.ts";
const shared = "/work/shared/data";
const lw = Number(process.argv[3]);
const o = { languageWeight: Number(process.argv[3] ?? 6.5), loopLanguageWeight: Number(process.argv[4] ?? 3) };
const bar = await PocketSphinxRecognizer.create(loadCustomIntents("/work/wt-asr/examples/barista.yaml"), o);
const home = await PocketSphinxRecognizer.create(loadCustomIntents("/work/wt-asr/test/fixtures/home-intents.yaml"), o);
const m = (rec: any, pcm: Int16Array) => {
  const s = trimSilence(pcm); const a = Float32Array.from(s, (x) => x / 32768); const fr = Math.floor(s.length / 160);
  const c = rec.decode(rec.commandDecoder, a); const l = rec.decode(rec.loopDecoder, a);
  const words = c.text ? rec.commandDecoder.get_alignment().w.filter((w: any) => !/^[<\[(+]/.test(w.t)) : [];
  const cover = words.reduce((t: number, w: any) => t + w.d, 0) / (fr / 100);
  return { text: c.text, margin: c.text && l.text ? (c.score - l.score) / fr : null, cover, loopPf: l.score / fr, cmdPf: c.score / fr };
};
const out: any[] = [];
const labels = JSON.parse(readFileSync(join(shared, "spoken-commands/barista/labels.json"), "utf8"));
const n = Number(process.argv[2] ?? 60);
for (const f of Object.keys(labels).sort().slice(0, n)) out.push({ kind: "in", f, ...m(bar, await decodeAudioFile(join(shared, "spoken-commands/barista/clips", f))) });
for (const f of readdirSync(join(shared, "speech-misc")).filter((f) => f.endsWith(".flac"))) {
  const pcm = await decodeAudioFile(join(shared, "speech-misc", f));
  out.push({ kind: "ood-coffee", f, ...m(bar, pcm) }, { kind: "ood-home", f, ...m(home, pcm) });
}
for (const f of process.env.NONOISE ? [] : readdirSync(join(shared, "noise"))) {
  const pcm = await decodeAudioFile(join(shared, "noise", f));
  for (let s = 0; s + 64000 <= pcm.length; s += 128000) { const w = pcm.subarray(s, s + 64000); out.push({ kind: "noise-coffee", f: f + "@" + s / 16000, ...m(bar, w) }, { kind: "noise-home", f: f + "@" + s / 16000, ...m(home, w) }); }
}
writeFileSync("/tmp/asrp/margins.json", JSON.stringify(out));
for (const k of ["in", "ood-coffee", "ood-home", "noise-coffee", "noise-home"]) {
  const ms = out.filter((o) => o.kind === k).map((o) => o.margin).filter((x) => x !== null).sort((a, b) => a - b);
  console.log(k, out.filter((o) => o.kind === k).length, "nonnull", ms.length, "min", ms[0]?.toFixed(2), "p5", ms[Math.floor(ms.length * 0.05)]?.toFixed(2), "median", ms[Math.floor(ms.length / 2)]?.toFixed(2), "max", ms[ms.length - 1]?.toFixed(2));
}
for (const o of out.filter((o) => o.margin !== null).sort((a, b) => a.loopPf - b.loopPf)) console.log(o.kind, o.f, o.margin?.toFixed(2), o.loopPf.toFixed(1), o.cmdPf.toFixed(1), o.text);
for (const o of out.filter((o) => o.kind === "in").sort((a, b) => a.cover - b.cover).slice(0, 8)) console.log(o.kind, o.f, o.margin?.toFixed(2), o.cover.toFixed(2), o.text);
