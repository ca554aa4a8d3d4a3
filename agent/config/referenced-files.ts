/**
 * Files the config names besides fixtures and intents (those the agent loads
 * itself): secrets and certificates, wake-word classifiers given as paths,
 * camera files, the sherpa-onnx model directory and user models. Checked
 * up front so `hearth config check` and `hearth run` list every missing one,
 * each with its config path.
 */
import { accessSync, constants, statSync } from "node:fs";
import { expandEnvPath } from "./env-path.ts";
import type { Config } from "./schema.ts";

/** A wake-word `model` that names a file rather than a built-in model. */
const isPath = (model: string) => model.includes("/") || model.endsWith(".onnx");

/** One `path: problem` line per configured file that is missing or unreadable. */
export function referencedFileProblems(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const check = (field: string, path: string | undefined, kind: "file" | "directory" = "file") => {
    if (path === undefined) return;
    let resolved: string;
    try {
      resolved = expandEnvPath(path, field, env);
    } catch (err) {
      problems.push((err as Error).message);
      return;
    }
    try {
      const stat = statSync(resolved);
      if (kind === "file" ? !stat.isFile() : !stat.isDirectory()) throw new Error(`not a ${kind}`);
      accessSync(resolved, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(`${field}: ${resolved}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "not readable" : (err as Error).message}`);
    }
  };
  check("mqtt.password_file", config.mqtt.password_file);
  check("mqtt.ca", config.mqtt.ca);
  check("mqtt.cert", config.mqtt.cert);
  check("mqtt.key", config.mqtt.key);
  config.wakeword.models.forEach((m, i) => isPath(m.model) && check(`wakeword.models.${i}.model`, m.model));
  check("wakeword.porcupine.access_key_file", config.wakeword.porcupine?.access_key_file);
  config.cameras.forEach((c, i) => check(`cameras.${i}.file`, c.file));
  if (config.asr.backend === "sherpa") check("asr.model_dir", config.asr.model_dir, "directory");
  return problems;
}
