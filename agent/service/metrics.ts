/**
 * Prometheus metrics (prom-client) for one agent: frames and audio processed,
 * wake detections, commands, end-to-end latency, inference time per model,
 * reconnects and errors. Each agent owns its registry so tests and the demo
 * can run several agents in one process.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { allInferenceMetrics } from "../../models/metrics.ts";
import type { HealthRegistry } from "./health.ts";
import { logger } from "../log.ts";

const log = logger("service/metrics");

export class AgentMetrics {
  readonly registry = new Registry();
  readonly audioSeconds = new Counter({ name: "hearth_audio_seconds_total", help: "Seconds of audio processed", labelNames: ["source"], registers: [this.registry] });
  readonly frames = new Counter({ name: "hearth_frames_total", help: "Camera frames processed", labelNames: ["camera"], registers: [this.registry] });
  readonly wakeDetections = new Counter({ name: "hearth_wake_detections_total", help: "Wake-word detections", labelNames: ["source", "model"], registers: [this.registry] });
  readonly commands = new Counter({ name: "hearth_commands_total", help: "Command sessions by outcome", labelNames: ["origin", "intent", "outcome"], registers: [this.registry] });
  readonly published = new Counter({ name: "hearth_mqtt_published_total", help: "MQTT messages published", labelNames: ["kind"], registers: [this.registry] });
  readonly reconnects = new Counter({ name: "hearth_reconnects_total", help: "Reconnects of the broker session and of sources", labelNames: ["what"], registers: [this.registry] });
  readonly errors = new Counter({ name: "hearth_errors_total", help: "Errors by component", labelNames: ["component"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "hearth_command_latency_seconds",
    help: "Command handed to the controller to its event published (queueing included), seconds",
    labelNames: ["origin"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
    registers: [this.registry],
  });
  /** Inference time per model, from the sessions' own figures (models/metrics.ts) at every scrape. */
  readonly inference: Gauge = new Gauge({
    name: "hearth_inference_milliseconds",
    help: "Model inference time over the recent runs, ms (quantile 0.5 and 0.95)",
    labelNames: ["model", "provider", "quantile"],
    registers: [this.registry],
    collect: () => {
      this.inference.reset();
      for (const m of allInferenceMetrics()) {
        const stats = m.stats();
        this.inference.set({ model: m.model, provider: m.provider, quantile: "0.5" }, stats.p50Ms);
        this.inference.set({ model: m.model, provider: m.provider, quantile: "0.95" }, stats.p95Ms);
      }
    },
  });
  readonly inferenceRuns: Gauge = new Gauge({
    name: "hearth_inference_runs",
    help: "Inference runs per model since start",
    labelNames: ["model", "provider"],
    registers: [this.registry],
    collect: () => {
      this.inferenceRuns.reset();
      for (const m of allInferenceMetrics()) this.inferenceRuns.set({ model: m.model, provider: m.provider }, m.stats().count);
    },
  });

  private health?: Pick<HealthRegistry, "list">;
  /** Seconds since each watched pipeline last made progress; filled from the HealthRegistry at every scrape. */
  readonly pipelineSilence: Gauge = new Gauge({
    name: "hearth_pipeline_silent_seconds",
    help: "Seconds since a watched pipeline last made progress",
    labelNames: ["pipeline"],
    registers: [this.registry],
    collect: () => {
      if (!this.health) return;
      // Reset drops pipelines that are no longer watched (an idle controller).
      this.pipelineSilence.reset();
      for (const p of this.health.list()) this.pipelineSilence.set({ pipeline: p.name }, p.silent_ms / 1000);
    },
  });

  /** Report `health`'s pipelines in `hearth_pipeline_silent_seconds`. */
  watchHealth(health: Pick<HealthRegistry, "list">): void {
    this.health = health;
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: "hearth_" });
  }

  /**
   * Serve `/metrics` on `host:port` (port 0 picks a free one).
   * @throws Error naming the address when it cannot listen.
   */
  async serve(host: string, port: number): Promise<{ server: Server; port: number }> {
    const server = createServer(async (req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end("not found\n");
        return;
      }
      try {
        const body = await this.registry.metrics();
        res.writeHead(200, { "content-type": this.registry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) => reject(new Error(`metrics endpoint ${host}:${port}: ${err.message}`)));
      server.listen(port, host, resolve);
    });
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    log.info({ host, port: actual }, "serving Prometheus metrics on /metrics");
    return { server, port: actual };
  }
}
