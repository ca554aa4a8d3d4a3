/**
 * The local memory page (config `web.listen`, off by default) on node:http:
 * `GET /` renders page.ts with the events matching `?label=&area=&since=`
 * or `&from=&to=`, and `?q=` (free text read by memory/text-query.ts); `/events/<id>/thumbnail.jpg` and `/snapshot.jpg` serve an
 * event's pictures (found by the event's id in the database, never by a path
 * from the request); `/cameras/<name>/latest.jpg` the latest snapshot of a
 * camera; `/api/events` the same search as JSON (the shape of
 * `hearth events search --json`). Only GET and HEAD.
 *
 * Access: with `web.token` set (required beyond loopback, see config/memory.ts)
 * every request must carry it as `?token=`, `Authorization: Bearer <token>`
 * or the `hearth_token` cookie the page sets after a first `?token=`; the
 * comparison is constant-time. Responses forbid framing and outside sources
 * (Content-Security-Policy) and are never cached.
 */
import { timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseListen, type WebConfig } from "../config/memory.ts";
import { logger } from "../log.ts";
import { toFilter, type SearchRequest } from "../memory/query.ts";
import type { EventFilter, MemoryStore } from "../memory/store.ts";
import type { TextQuery } from "../memory/text-query.ts";
import { renderPage, type PageModel } from "./page.ts";

const log = logger("web/server");
const COOKIE = "hearth_token";
const PAGE_EVENTS = 200;

/** What the page reads, asked at each request (the memory opens after the server may start). */
export interface WebSources {
  title?: string;
  store: () => MemoryStore | undefined;
  cameras: () => { name: string; area: string }[];
  /** Labels and areas for the filter form. */
  labels: () => string[];
  areas: () => string[];
  latestSnapshot: (camera: string) => Buffer | undefined;
  occupancy?: () => ReadonlyMap<string, number>;
  recent?: () => { text: string; response: string; t: string }[];
  /** Read the search box (`?q=the cat in the garden yesterday`) into filters (memory/text-query.ts). */
  readQuery?: (text: string) => TextQuery | { error: string };
  timeZone?: string;
}

export interface WebServer {
  server: Server;
  /** `http://host:port`. */
  url: string;
  close(): Promise<void>;
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === COOKIE) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    ...extra,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** The search request of the query string (empty fields are absent). */
function searchOf(params: URLSearchParams): SearchRequest & { label?: string } {
  const get = (k: string) => params.get(k)?.trim() || undefined;
  const request: SearchRequest & { label?: string } = {};
  for (const key of ["label", "area", "zone", "camera", "since", "from", "to"] as const) {
    const v = get(key);
    if (v !== undefined) (request as Record<string, string>)[key] = v;
  }
  return request;
}

/**
 * Serve the page on `config.listen`.
 * @throws Error naming the address when it cannot be bound (in use, not permitted).
 */
export async function serveWeb(config: WebConfig & { listen: string }, sources: WebSources): Promise<WebServer> {
  const { host, port } = parseListen(config.listen);
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      log.error({ url: req.url, err: err.message }, "page request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", { allow: "GET, HEAD" });
    const url = new URL(req.url ?? "/", "http://page");
    const queryToken = url.searchParams.get("token") ?? undefined;
    let token: string | undefined;
    if (config.token) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const given = [queryToken, bearer, cookieToken(req)].find((t) => sameSecret(t, config.token!));
      if (!given) return send(res, 401, "text/plain; charset=utf-8", "a token is needed: ?token=… or Authorization: Bearer …\n", { "www-authenticate": "Bearer" });
      token = given === queryToken ? queryToken : undefined;
    }
    const extra: Record<string, string> = token ? { "set-cookie": `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` } : {};
    const path = url.pathname;
    const store = sources.store();
    const picture = /^\/events\/([^/]+)\/(thumbnail|snapshot)\.jpg$/.exec(path);
    if (picture) {
      const event = store?.get(decodeURIComponent(picture[1]!));
      const file = event && (picture[2] === "thumbnail" ? event.thumbnail_path : event.snapshot_path);
      if (!file) return send(res, 404, "text/plain; charset=utf-8", "no such picture\n");
      const data = await readFile(file).catch(() => undefined);
      return data ? send(res, 200, "image/jpeg", data, extra) : send(res, 404, "text/plain; charset=utf-8", "the picture is gone (retention)\n");
    }
    const latest = /^\/cameras\/([^/]+)\/latest\.jpg$/.exec(path);
    if (latest) {
      const jpeg = sources.latestSnapshot(decodeURIComponent(latest[1]!));
      return jpeg ? send(res, 200, "image/jpeg", jpeg, extra) : send(res, 404, "text/plain; charset=utf-8", "no snapshot yet\n");
    }
    if (path === "/api/events") {
      if (!store) return send(res, 404, "application/json", JSON.stringify({ error: "the visual memory is off (memory.enabled)" }));
      try {
        const filter = toFilter({ ...searchOf(url.searchParams), limit: Number(url.searchParams.get("limit") ?? 100) });
        return send(res, 200, "application/json", JSON.stringify(store.search(filter)), extra);
      } catch (err) {
        return send(res, 400, "application/json", JSON.stringify({ error: (err as Error).message }));
      }
    }
    if (path !== "/") return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    const request = searchOf(url.searchParams);
    const q = url.searchParams.get("q")?.trim() || undefined;
    let notice: string | undefined;
    let events: PageModel["events"] = [];
    if (store) {
      try {
        let fromText: EventFilter = {};
        if (q && sources.readQuery) {
          const read = sources.readQuery(q);
          if ("error" in read) throw new Error(read.error);
          fromText = read.filter;
          notice = `Searching: ${read.words}`;
        }
        // The form's own fields, when set, narrow what the text said.
        events = store.search({ ...fromText, ...toFilter({ ...request, limit: PAGE_EVENTS }) });
      } catch (err) {
        notice = (err as Error).message;
      }
    }
    const model: PageModel = {
      title: sources.title ?? "hearth",
      events,
      filter: { q, label: request.label, area: request.area, since: request.since, from: request.from as string | undefined, to: request.to as string | undefined },
      labels: sources.labels(),
      areas: sources.areas(),
      cameras: sources.cameras().map((c) => ({ ...c, hasSnapshot: sources.latestSnapshot(c.name) !== undefined })),
      occupancy: [...(sources.occupancy?.() ?? new Map())],
      recent: sources.recent?.() ?? [],
      notice,
      memoryOff: !store,
      timeZone: sources.timeZone,
    };
    send(res, 200, "text/html; charset=utf-8", renderPage(model, token), extra);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`web.listen ${config.listen}: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url }, "memory page served");
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connections open; they must not hold the shutdown.
        server.closeAllConnections();
      }),
  };
}
