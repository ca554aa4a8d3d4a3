/**
 * Searches over MQTT: a JSON request on `hearth/<id>/events/search`
 * (`{"request_id": "r1", "label": "person", "since": "24h"}`, fields of
 * SearchRequest) is answered on `hearth/<id>/events/search/result` with
 * `{"request_id", "events": [...]}` or `{"request_id", "error"}`. Replies go to
 * hearth's own topic only: a requester cannot make hearth publish elsewhere.
 */
import { logger } from "../log.ts";
import type { Agent } from "../service/agent.ts";
import { toFilter, type SearchRequest } from "./query.ts";
import type { MemoryStore } from "./store.ts";

const log = logger("memory/mqtt-search");
const MAX_REQUEST_BYTES = 4096;

/** Topics of the search API under `hearth/<id>/`. */
export function searchTopics(base: string): { request: string; result: string } {
  return { request: `${base}/events/search`, result: `${base}/events/search/result` };
}

/** Answer search requests until the returned function is called. */
export function serveSearches(agent: Agent, store: MemoryStore): () => void {
  const topics = searchTopics(agent.topics.base);
  return agent.session!.subscribe(topics.request, (message) => {
    let requestId: unknown;
    let reply: Record<string, unknown>;
    try {
      if (message.payload.length > MAX_REQUEST_BYTES) throw new Error(`request longer than ${MAX_REQUEST_BYTES} bytes`);
      const parsed: unknown = JSON.parse(message.payload.toString("utf8"));
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("expected a JSON object");
      const { request_id, ...request } = parsed as SearchRequest & { request_id?: unknown };
      requestId = request_id;
      reply = { request_id: requestId ?? null, events: store.search(toFilter(request)) };
    } catch (err) {
      log.warn({ topic: topics.request, err: (err as Error).message }, "bad search request");
      reply = { request_id: requestId ?? null, error: `${topics.request}: ${(err as Error).message}` };
    }
    agent.publishOwn(topics.result, JSON.stringify(reply));
  }, { qos: 1 });
}
