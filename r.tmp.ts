import { decodeAudioFile } from "./agent/audio/decode-file.ts";
import { loadCustomIntents } from "./agent/intent/custom-intents.ts";
import { PocketSphinxRecognizer } from "./models/asr/pocketsphinx.ts";
const bar: any = await PocketSphinxRecognizer.create(loadCustomIntents("examples/barista.yaml"));
const pcm = await decodeAudioFile("../shared/data/spoken-commands/barista/clips/barista_003.flac");
const a = Float32Array.from(pcm, (x) => x / 32768);
for (let k = 0; k < 2; k++) {
let t = process.cpuUsage(); bar.decode(bar.commandDecoder, a); let u = process.cpuUsage(t); console.log("cmd cpu ms", (u.user + u.system) / 1000, "audio s", pcm.length / 16000);
t = process.cpuUsage(); bar.decode(bar.loopDecoder, a); u = process.cpuUsage(t); console.log("loop cpu ms", (u.user + u.system) / 1000);
}
