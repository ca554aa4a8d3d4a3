import createModule from "soundswallower";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
const base = dirname(fileURLToPath(import.meta.resolve("soundswallower"))) + "/model/";
const ss = await createModule({ modelBase: base });
const d = new ss.Decoder({ samprate: 16000, loglevel: "ERROR" });
await d.initialize();
const phones = Object.keys(JSON.parse(readFileSync(base+"en-us/phoneset.json"))).filter(p=>!p.startsWith("+")&&p!=="SIL");
d.add_words(...phones.map(p=>["ph_"+p.toLowerCase(), p]));
function pcm(f){const b=execFileSync("ffmpeg",["-v","error","-i",f,"-f","s16le","-ac","1","-ar","16000","-"],{maxBuffer:1<<28});const i=new Int16Array(b.buffer,b.byteOffset,b.length/2);return Float32Array.from(i,x=>x/32768);}
const slot = {
 size: ["eight ounce","twelve ounce","sixteen ounce","twenty ounce","small","medium","large"],
 shots: ["single shot","double shot","triple shot"], roast:["light roast","medium roast","dark roast"],
 drink:["americano","cappuccino","coffee","drip coffee","espresso","house coffee","iced coffee","iced mocha","latte","mocha"],
 milk:["milk","cream","almond milk","skim milk","soy milk","whole milk"], sugar:["sugar","brown sugar","sweetener"],
 q:["some","a bit of","a little bit of","a lot of","lots of"]};
const alt = a=>"("+a.join(" | ")+")";
const cmd = `#JSGF V1.0;
grammar cmd;
public <top> = [<lead>] [a | an] [<mod>] [<mod>] [<mod>] <drink> [<with>];
<lead> = brew | can i get | can i have | i want | get me | give me | i'd like | make me | may i have;
<mod> = ${alt(slot.size)} | ${alt(slot.shots)} | ${alt(slot.roast)};
<drink> = ${alt(slot.drink)};
<milk> = [${alt(slot.q)}] ${alt(slot.milk)};
<sugar> = [${alt(slot.q)}] ${alt(slot.sugar)};
<with> = with (<milk> [and <sugar>] | <sugar> [and <milk>]);
`;
const loop = `#JSGF V1.0;\ngrammar loop;\npublic <top> = <ph>+;\n<ph> = ${phones.map(p=>"ph_"+p.toLowerCase()).join(" | ")};\n`;
function decode(grammar, audio){
  d.set_grammar(grammar); d.start(); d.process_audio(audio,false,true); d.stop();
  const p = ss._malloc(4); const h = ss._decoder_hyp(d.cdecoder, p); const txt = ss.UTF8ToString ? ss.UTF8ToString(h) : d.get_text(); const score = ss.HEAP32[p>>2]; ss._free(p);
  return { text: d.get_text(), score };
}
const labels = JSON.parse(readFileSync("../shared/data/spoken-commands/barista/labels.json"));
const files = process.argv.slice(2);
for (const f of files) {
  const a = pcm(f);
  const nfr = Math.round(a.length/160);
  let t=performance.now();
  const c = decode(cmd,a); const t1=performance.now()-t; t=performance.now();
  const g = decode(loop,a); const t2=performance.now()-t;
  const lab = labels[f.split("/").pop()];
  console.log(f.split("/").pop(), (a.length/16000).toFixed(2)+"s", c.text, "|", c.score, g.score, "llr/fr", ((c.score-g.score)/nfr).toFixed(1), t1.toFixed(0)+"ms", t2.toFixed(0)+"ms", lab? JSON.stringify(lab.slots):"");
}
