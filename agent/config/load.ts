/**
 * Reads and validates the YAML config. All errors are collected and reported
 * together, each with its path (`mqtt.port: expected number, received string`).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { z } from "zod";
import { configSchema, type Config } from "./schema.ts";

/** Invalid configuration; `errors` holds one `path: message` line per problem. The CLI exits 2. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly errors: string[]) {
    super(`${file}: invalid configuration\n  ${errors.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Format zod issues as `a.b.c: message` lines. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join(".") : "(root)";
    if (issue.code === "unrecognized_keys") return `${path === "(root)" ? "" : path + "."}${issue.keys.join(", ")}: unknown key`;
    return `${path}: ${issue.message}`;
  });
}

/** Validate an already-parsed document (the YAML's data, or `{}` for built-in defaults). */
export function parseConfig(doc: unknown, file = "<config>"): Config {
  const result = configSchema.safeParse(doc ?? {});
  if (!result.success) throw new ConfigError(file, formatIssues(result.error.issues));
  return result.data;
}

/**
 * Load a YAML config file.
 * @throws ConfigError when the file cannot be read, is not YAML, or does not match the schema.
 */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(file, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(file, [`not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  return parseConfig(doc, file);
}
