/**
 * Resolve a wake word model reference (config `wakeword.models[].model`,
 * `--wake-word`) to a classifier file: a built-in openWakeWord model from the
 * manifest, or any openWakeWord-compatible `.onnx` classifier on disk.
 */
import { existsSync } from "node:fs";
import { basename, extname } from "node:path";
import { MANIFEST } from "../manifest.ts";
import { modelPath } from "../store.ts";

export interface KeywordModelRef {
  /** Name in scores and events (`alexa`, `hey_jarvis`, or the custom file's base name). */
  name: string;
  /** Verified path of the classifier. */
  path: string;
  /** Manifest id for built-ins; undefined for custom files. */
  manifestId?: string;
  licence: string;
}

const BUILTIN_PREFIX = "oww-";

/** Built-in keyword names (`alexa`, `hey_jarvis`, ...). */
export function builtinKeywords(): string[] {
  return MANIFEST.filter((m) => m.role === "wakeword-keyword").map((m) => m.id.slice(BUILTIN_PREFIX.length).replaceAll("-", "_"));
}

/**
 * `alexa`, `hey_jarvis`, `hey-jarvis`, `oww-hey-jarvis` → the built-in model; anything containing a path separator
 * or ending in `.onnx` → that file.
 * @throws Error naming the reference when the file does not exist or the name is not a built-in (listing them);
 *   ModelIntegrityError when a built-in's file is missing or corrupt.
 */
export async function resolveKeywordModel(ref: string, name?: string): Promise<KeywordModelRef> {
  if (ref.includes("/") || ref.endsWith(".onnx")) {
    if (!existsSync(ref)) throw new Error(`wake word model ${ref}: file not found`);
    return { name: name ?? basename(ref, extname(ref)), path: ref, licence: "custom model (licence of its author)" };
  }
  const id = ref.startsWith(BUILTIN_PREFIX) ? ref : BUILTIN_PREFIX + ref.replaceAll("_", "-");
  const entry = MANIFEST.find((m) => m.id === id && m.role === "wakeword-keyword");
  if (!entry) throw new Error(`wake word model "${ref}" is neither a file nor a built-in model (built-in: ${builtinKeywords().join(", ")})`);
  return {
    name: name ?? id.slice(BUILTIN_PREFIX.length).replaceAll("-", "_"),
    path: await modelPath(id),
    manifestId: id,
    licence: entry.licence,
  };
}
