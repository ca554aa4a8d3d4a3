/** Config section `service`: the running service's health and metrics endpoints. */
import { z } from "zod";

export const serviceSchema = z.strictObject({
  /** Prometheus endpoint (`/metrics`); off unless given. */
  metrics: z.strictObject({ host: z.string().default("127.0.0.1"), port: z.number().int().min(0).max(65535) }).optional(),
  /** Unix socket for `hearth status`; default `$RUNTIME_DIRECTORY|$XDG_RUNTIME_DIR|/tmp/hearth-<agent_id>.sock`. */
  status_socket: z.string().optional(),
  /** A pipeline with no progress for this long withholds the systemd watchdog ping. */
  stall_after_ms: z.number().int().min(1000).default(20_000),
});
