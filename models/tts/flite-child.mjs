// One Flite synthesis in a process of its own (see flite.ts for why):
// node flite-child.mjs <flite.wasm> <voice> <out dir> <text>  →  <out dir>/speech.wav, exit code of Flite.
// Plain JavaScript so it starts without a TypeScript loader.
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [wasmPath, voice, outDir, text] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: ["flite", "-voice", voice, "-t", text, "-o", "/out/speech.wav"],
  preopens: { "/out": outDir },
  returnOnExit: true,
});
const instance = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(wasmPath)), wasi.getImportObject());
process.exitCode = wasi.start(instance);
