import assert from "node:assert/strict";
import { test } from "node:test";
import { AgentMetrics } from "../../../agent/service/metrics.ts";

test("metrics are served in Prometheus text format on /metrics", async () => {
  const metrics = new AgentMetrics();
  metrics.commands.inc({ origin: "mqtt", intent: "HassTurnOn", outcome: "acted" });
  metrics.latency.observe({ origin: "mqtt" }, 0.042);
  metrics.wakeDetections.inc({ source: "kitchen", model: "alexa" }, 2);
  const { server, port } = await metrics.serve("127.0.0.1", 0);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /^hearth_commands_total\{origin="mqtt",intent="HassTurnOn",outcome="acted"\} 1$/m);
    assert.match(body, /^hearth_wake_detections_total\{source="kitchen",model="alexa"\} 2$/m);
    assert.match(body, /^hearth_command_latency_seconds_bucket\{le="0.05",origin="mqtt"\} 1$/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    server.close();
  }
});

test("a taken port is a clear error naming the address", async () => {
  const a = new AgentMetrics();
  const { server, port } = await a.serve("127.0.0.1", 0);
  try {
    await assert.rejects(new AgentMetrics().serve("127.0.0.1", port), new RegExp(`metrics endpoint 127.0.0.1:${port}: .*EADDRINUSE`));
  } finally {
    server.close();
  }
});
