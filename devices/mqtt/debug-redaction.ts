/**
 * MQTT.js writes its own debug output (`DEBUG=mqttjs*`, through the `debug`
 * package) outside hearth's logger, including the CONNECT options with the
 * password in clear. Every line `debug` writes passes through here and has
 * each registered secret replaced before it reaches stderr.
 */
import { createRequire } from "node:module";
import { formatWithOptions, type InspectOptions } from "node:util";

interface DebugModule {
  log: (...args: unknown[]) => void;
  inspectOpts?: InspectOptions;
}

const secrets = new Set<string>();
let installed = false;

/** Replace `secret` by `[redacted]` in everything MQTT.js's debug output prints from now on. */
export function redactFromMqttDebug(secret: string | undefined): void {
  if (!secret) return;
  secrets.add(secret);
  if (installed) return;
  installed = true;
  // The `debug` instance MQTT.js resolves: the same module file, so setting its shared `log` covers every namespace.
  const createDebug = createRequire(createRequire(import.meta.url).resolve("mqtt")).resolve("debug");
  const debug = createRequire(import.meta.url)(createDebug) as DebugModule;
  debug.log = (...args: unknown[]) => {
    let line = formatWithOptions(debug.inspectOpts ?? {}, ...args);
    for (const s of secrets) line = line.split(s).join("[redacted]");
    process.stderr.write(line + "\n");
  };
}
