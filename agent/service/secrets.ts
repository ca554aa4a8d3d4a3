/**
 * The secret values a config carries (the MQTT password, inline or from its
 * `password_file`), for redaction of free text in logs, events and status.
 */
import { readFileSync } from "node:fs";
import { expandEnvPath } from "../config/env-path.ts";
import type { Config } from "../config/schema.ts";

/**
 * Secrets from the config and the files it names. An unreadable password file
 * is left to the MQTT session, which reports it clearly at connect.
 */
export function configSecrets(config: Config): string[] {
  const secrets = [config.mqtt.password];
  if (config.mqtt.password_file) {
    try {
      secrets.push(readFileSync(expandEnvPath(config.mqtt.password_file, "mqtt.password_file"), "utf8").replace(/\r?\n$/, ""));
    } catch {
      // reported by the session at connect
    }
  }
  return secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
}
