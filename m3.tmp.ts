import { decodeAudioFile } from "./agent/audio/decode-file.ts";
import { loadCustomIntents } from "./agent/intent/custom-intents.ts";
import { PocketSphinxRecognizer } from "./models/asr/pocketsphinx.ts";
import { trimSilence } from "./models/asr/trim-silence.ts";
const rec: any = await PocketSphinxRecognizer.create(loadCustomIntents("examples/barista.yaml"));
for (const f of process.argv.slice(2)) {
const pcm = await decodeAudioFile(f);
const s = trimSilence(pcm); console.log(f, pcm.length/16000, s.length/16000);
const a = Float32Array.from(s, (x) => x / 32768);
const c = rec.decode(rec.commandDecoder, a); console.log(c.score, JSON.stringify(rec.commandDecoder.get_alignment().w.filter((w:any)=>w.t!="(NULL)").map((w:any)=>[w.t,w.b.toFixed(2),w.d.toFixed(2)])));
const l = rec.decode(rec.loopDecoder, a); console.log(l.score, JSON.stringify(rec.loopDecoder.get_alignment().w.filter((w:any)=>w.t!="(NULL)").map((w:any)=>[w.t.replace("ph_",""),w.b.toFixed(2)])));
}
