/**
 * hearth's one MQTT session (MQTT.js). It owns the connection to the broker:
 * protocol 5 with a fallback to 3.1.1, TLS and credentials from `config.mqtt`,
 * a retained last will `offline` on `hearth/<agent_id>/status` and a retained
 * `online` on every connect, reconnection with capped, jittered exponential
 * backoff (backoff.ts), and subscriptions that survive reconnects.
 *
 * The session is persistent from the first connect (Clean Start off, client
 * id `hearth-<agent_id>`, MQTT 5 session expiry `mqtt.session_expiry_s`), so
 * a broker with persistence keeps hearth's subscriptions and the QoS 1
 * messages queued for it across broker restarts and while hearth is down.
 *
 * Outgoing: MQTT.js keeps QoS 1 publishes issued while disconnected in its
 * outgoing store and sends them once after the next CONNACK; hearth never
 * re-publishes on its own (QoS 1 itself is at-least-once: a message in flight
 * at the instant the link drops is resent with DUP set).
 *
 * Incoming commands (`subscribe(..., { ackAfterHandling: true })`): the PUBACK
 * is sent only once the handler's promise settles, so a command the process
 * dies on is redelivered by the broker; redeliveries (DUP) of a delivery
 * already handled are acknowledged without handling it again
 * (command-inbox.ts). With `mqtt.max_pending_commands` being handled, the
 * session stops reading from the broker (backpressure: the broker queues the
 * rest for hearth, persisted, up to its own max_queued_messages) until one
 * finishes, for at most half the keepalive so the connection stays alive;
 * a QoS 0 command arriving while the bound is still reached is refused
 * through `onRefused`, never dropped silently. The bound is also advertised
 * as MQTT 5 Receive Maximum (mosquitto 2.0 was seen to send past it).
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from "mqtt";
import { expandEnvPath } from "../../agent/config/env-path.ts";
import type { Config } from "../../agent/config/schema.ts";
import { logger } from "../../agent/log.ts";
import type { OutgoingMessage } from "../entity.ts";
import { reconnectDelayMs } from "./backoff.ts";
import { CommandInbox } from "./command-inbox.ts";
import type { HandledRecord } from "./handled-journal.ts";
import { redactFromMqttDebug } from "./debug-redaction.ts";
import { SendQuota } from "./send-quota.ts";
import { topicProblem } from "./topic.ts";
import { TopicTrie } from "./topic-trie.ts";

const log = logger("devices/mqtt");

export type MqttConfig = Config["mqtt"];

/** `idle` before start(); `closed` after close(). */
export type SessionState = "idle" | "connecting" | "connected" | "reconnecting" | "closed";

export interface SessionEvents {
  /** A CONNACK was accepted. `sessionPresent`: the broker kept our subscriptions and queued messages. */
  connected: [info: { protocolVersion: 4 | 5; sessionPresent: boolean }];
  /** The link to the broker closed (reason in words). */
  disconnected: [reason: string];
  /** A reconnect is scheduled in `delayMs` (attempt counts from 1). */
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** Any state change, for status reporting. */
  state: [state: SessionState];
  /** A packet arrived from the broker (PINGRESP included): the link is alive, for health checks. */
  activity: [];
}

/** An incoming message as handlers see it. */
export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** DUP flag: the broker resends a delivery it saw no PUBACK for (after a reconnect). */
  dup?: boolean;
  /** MQTT 5 Correlation Data the publisher attached (a request or command id). */
  correlationData?: Buffer;
}

/**
 * Called for each matching message. A subscription made with
 * `ackAfterHandling` acknowledges the message when the returned promise
 * settles (resolved or rejected); other handlers' results are ignored.
 */
export type MessageHandler = (message: IncomingMessage) => unknown;

/** Options of `MqttSession.subscribe`. */
export interface SubscribeOptions {
  /** Subscription QoS (default 1). */
  qos?: 0 | 1 | 2;
  /**
   * Commands: send the PUBACK only when the handler's promise settles, skip
   * redeliveries of a delivery already handled, and bound how many are
   * handled at once (`mqtt.max_pending_commands`). Needs `qos` 0 or 1. The
   * handler must not wait for another incoming message: while the bound is
   * reached, reading from the broker pauses.
   */
  ackAfterHandling?: boolean;
  /** With `ackAfterHandling`: called (instead of the handler) for a QoS 0 message refused because too many are pending. */
  onRefused?: (message: IncomingMessage, reason: string) => void;
  /**
   * The handler takes its messages from a backlog drained in slices of
   * BULK_SLICE_MS, in arrival order but possibly a few turns of the event loop
   * later, so a flood on its filter (discovery's retained configs and states)
   * does not hold up other handlers (typed commands) or the keepalive.
   * Ignored with `ackAfterHandling`.
   */
  bulk?: boolean;
}

/** Why a connection failed, in the categories a user can act on. */
export type ConnectionFailure = "auth" | "refused" | "tls" | "network" | "protocol" | "config";

/** The broker could not be reached or refused us; the message names host:port and the cause. */
export class MqttConnectionError extends Error {
  constructor(readonly endpoint: string, readonly failure: ConnectionFailure, detail: string) {
    super(`MQTT broker ${endpoint}: ${detail}`);
    this.name = "MqttConnectionError";
  }
}

/** MQTT 3.1.1 CONNACK return codes (section 3.2.2.3). */
const V4_CONNACK: Record<number, [ConnectionFailure, string]> = {
  1: ["protocol", "unacceptable protocol version"],
  2: ["refused", "client identifier rejected"],
  3: ["refused", "server unavailable"],
  4: ["auth", "bad user name or password"],
  5: ["auth", "not authorized"],
};

/** MQTT 5 CONNACK reason codes (section 3.2.2.2) that a user can act on. */
const V5_CONNACK: Record<number, [ConnectionFailure, string]> = {
  128: ["refused", "unspecified error"],
  129: ["refused", "malformed packet"],
  130: ["protocol", "protocol error"],
  132: ["protocol", "unsupported protocol version"],
  133: ["refused", "client identifier not valid"],
  134: ["auth", "bad user name or password"],
  135: ["auth", "not authorized"],
  136: ["refused", "server unavailable"],
  137: ["refused", "server busy"],
  138: ["refused", "banned"],
  140: ["auth", "bad authentication method"],
};

/** 3.1.1 has no Receive Maximum: mosquitto's default max_inflight_messages. */
const MQTT311_SEND_QUOTA = 20;
/** MQTT 5's Receive Maximum when the CONNACK names none (§3.2.2.3.3). */
const MQTT5_DEFAULT_RECEIVE_MAXIMUM = 65_535;

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL|HOSTNAME|ALTNAME/i;

/**
 * Most filters in one SUBSCRIBE packet. Batching matters at scale (a Zigbee2MQTT home of 4,000
 * devices has ~9,000 state and availability topics); the bound keeps each packet around 50 KiB.
 */
const FILTERS_PER_SUBSCRIBE = 1000;

interface Subscription {
  filter: string;
  /**
   * The MQTT 5 subscription identifier of the SUBSCRIBE that carried it, shared by a batch of
   * wildcard-free filters (two distinct topic names never match the same message, so the
   * identifier still tells the filters a message matched); a wildcard filter has one of its own.
   * Undefined until sent.
   */
  id?: number;
  qos: 0 | 1 | 2;
  /** Each handler, and whether it takes its messages in bulk (see `subscribe`). */
  handlers: Map<MessageHandler, boolean>;
  /** Acknowledge only once the handlers settled (typed commands; see `subscribe`). */
  ackAfterHandling: boolean;
  onRefused?: SubscribeOptions["onRefused"];
}

/** A message waiting for a bulk handler. */
interface Pending {
  message: IncomingMessage;
  subscription: Subscription;
  handler: MessageHandler;
}

/**
 * Longest run of bulk handlers between two turns of the event loop: the ~40,000 retained
 * messages of a large home are handled in slices, so keepalives, typed commands and
 * timers are served in between rather than after seconds.
 */
const BULK_SLICE_MS = 10;

function readPemOrSecret(configured: string, field: string): string {
  let path: string;
  try {
    path = expandEnvPath(configured, `mqtt.${field}`);
  } catch (err) {
    throw new MqttConnectionError("(not connected)", "config", (err as Error).message);
  }
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new MqttConnectionError("(not connected)", "config", `mqtt.${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export interface MqttSessionOptions {
  /** Used in the status topic `hearth/<agentId>/status` and the default client id `hearth-<agentId>`. */
  agentId: string;
  /**
   * A short-lived look at the broker (CLI inspection) next to a running agent:
   * a clean session under its own client id, no last will and no status
   * publishes, so the agent's session and status are left alone.
   */
  observer?: boolean;
  /** Handled command deliveries kept across restarts (the service's command journal), so a redelivery after a kill is not acted on twice. */
  handledJournal?: HandledRecord;
}

/**
 * One connection to the broker, shared by the discovery consumer, the
 * producer, state tracking and the executor.
 */
export class MqttSession extends EventEmitter<SessionEvents> {
  /** `hearth/<agent_id>/status`: retained `online`, last will `offline`. */
  readonly statusTopic: string;
  readonly endpoint: string;
  private client?: MqttClient;
  private currentState: SessionState = "idle";
  private version: 4 | 5;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private hasConnected = false;
  /** The code of the last socket error (ECONNREFUSED: the broker's port is closed, it is probably restarting). */
  private lastErrorCode?: string;
  /** By filter; `id` is the MQTT 5 subscription identifier that tells overlapping filters apart. */
  private readonly subscriptions = new TopicTrie<Subscription>();
  /** Every subscription by filter, for re-subscribing after a connect. */
  private readonly allSubscriptions = new Map<string, Subscription>();
  /** Filters added since the last SUBSCRIBE was sent; sent together on the next turn of the event loop. */
  private readonly unsent = new Set<string>();
  private syncScheduled = false;
  /** Messages for bulk handlers, oldest first from `backlogHead`. */
  private backlog: Pending[] = [];
  private backlogHead = 0;
  private drainScheduled = false;
  /** Commands being handled (`ackAfterHandling`): the bound, redeliveries, refusals. */
  readonly commands: CommandInbox;
  /** PUBLISH packets whose acknowledgement waits for their handlers (set in dispatch, read in handleMessage). */
  private readonly heldAcks = new WeakMap<IPublishPacket, Promise<void>>();
  /** QoS 1/2 publishes awaiting acknowledgement, at most the broker's Receive Maximum. */
  private readonly sendQuota = new SendQuota(MQTT311_SEND_QUOTA);
  /** True while reading is paused because the command bound is reached (warned once per episode). */
  private backpressure = false;
  private nextSubscriptionId = 1;
  /** Filters subscribed on the current connection. */
  private readonly brokerFilters = new Set<string>();
  /** SUBSCRIBE packets sent on the current connection and not yet answered by a SUBACK. */
  private subscribesInFlight = 0;
  /** Counts connects, so a late SUBACK callback of an earlier connection is not counted against this one. */
  private connectionGeneration = 0;
  /** Callers of `subscribed()` waiting for every filter to be acknowledged. */
  private subscribedWaiters: (() => void)[] = [];
  private lastFailure?: MqttConnectionError;

  constructor(private readonly config: MqttConfig, private readonly options: MqttSessionOptions) {
    super();
    this.statusTopic = `hearth/${options.agentId}/status`;
    this.endpoint = `${config.host}:${config.port}`;
    this.version = config.protocol_version;
    this.commands = new CommandInbox(config.max_pending_commands, options.handledJournal);
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** The protocol version in use (5, or 4 = 3.1.1 after a fallback). */
  get protocolVersion(): 4 | 5 {
    return this.version;
  }

  /** The last connection failure, in words, until the next successful connect. */
  get lastError(): string | undefined {
    return this.lastFailure?.message;
  }

  /**
   * True from the accepted CONNACK on. MQTT.js reports `connect` only after it
   * has resent the publishes stored during the outage, one acknowledgement at a
   * time, and hands over the commands the broker queued meanwhile before that:
   * they must see the link as up, or their QoS 0 device commands are refused.
   */
  get connected(): boolean {
    return this.currentState === "connected" || (this.currentState !== "closed" && this.client?.connected === true);
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    if (state === "closed") this.wakeSubscribedWaiters();
    this.emit("state", state);
  }

  private clientOptions(): IClientOptions {
    const c = this.config;
    const options: IClientOptions = {
      host: c.host,
      port: c.port,
      protocol: c.protocol,
      protocolVersion: this.version,
      clientId: this.options.observer
        ? `${c.client_id ?? `hearth-${this.options.agentId}`}-observer-${process.pid}`
        : (c.client_id ?? `hearth-${this.options.agentId}`),
      // Persistent from the first connect: a clean start would discard the commands the broker
      // queued for hearth while it was down. Subscriptions a previous run left behind are
      // harmless: dispatch only hands a message to filters this run subscribed.
      clean: this.options.observer === true,
      keepalive: c.keepalive_s,
      connectTimeout: 10_000,
      // Reconnection is ours (exponential backoff); MQTT.js only retries at a fixed period.
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
    };
    if (!this.options.observer) {
      options.will = { topic: this.statusTopic, payload: Buffer.from("offline"), qos: 1, retain: true };
      if (this.version === 5) {
        // Receive Maximum: the broker sends at most this many unacknowledged QoS 1 messages and keeps
        // the rest queued (and persisted), so pending commands never exceed the bound.
        options.properties = { sessionExpiryInterval: c.session_expiry_s, receiveMaximum: c.max_pending_commands };
      }
    }
    if (this.version === 5) options.properties = { ...options.properties, maximumPacketSize: c.max_incoming_bytes };
    if (c.username !== undefined) options.username = c.username;
    if (c.password !== undefined) options.password = c.password;
    else if (c.password_file !== undefined) options.password = readPemOrSecret(c.password_file, "password_file").replace(/\r?\n$/, "");
    redactFromMqttDebug(typeof options.password === "string" ? options.password : options.password?.toString());
    if (c.protocol === "mqtts") {
      options.rejectUnauthorized = c.reject_unauthorized;
      if (c.ca) options.ca = readPemOrSecret(c.ca, "ca");
      if (c.cert) options.cert = readPemOrSecret(c.cert, "cert");
      if (c.key) options.key = readPemOrSecret(c.key, "key");
    }
    return options;
  }

  /**
   * Connect. Resolves at the first accepted CONNACK. Rejects with
   * MqttConnectionError when credentials, TLS or the config are wrong (retrying
   * cannot help), and also on network errors when `failFast` is set (CLI use);
   * otherwise network errors are retried with backoff until the broker answers.
   */
  start(options: { failFast?: boolean } = {}): Promise<void> {
    if (this.client) throw new Error("MqttSession.start() called twice");
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: MqttConnectionError) => {
        if (settled) return;
        settled = true;
        if (err) {
          void this.close({ publishOffline: false });
          reject(err);
        } else resolve();
      };
      let clientOptions: IClientOptions;
      try {
        clientOptions = this.clientOptions();
      } catch (err) {
        settle(err as MqttConnectionError);
        return;
      }
      this.setState("connecting");
      const client = mqtt.connect(clientOptions);
      this.client = client;
      this.holdAcknowledgements(client);
      client.on("connect", (connack) => {
        this.onConnect(connack);
        settle();
      });
      client.on("message", (topic, payload, packet) => this.dispatch(topic, payload, packet));
      client.on("error", (err: Error & { code?: string | number }) => {
        this.lastErrorCode = typeof err.code === "string" ? err.code : undefined;
        const failure = this.classify(err);
        this.lastFailure = failure;
        if (failure.failure === "protocol" && this.version === 5 && !this.hasConnected) {
          log.warn({ endpoint: this.endpoint }, "broker refused MQTT 5; falling back to MQTT 3.1.1");
          this.version = 4;
          client.options.protocolVersion = 4;
          client.options.clean = this.options.observer === true;
          delete client.options.properties;
          this.attempt = 0;
          return;
        }
        const fatalAtStart = !this.hasConnected && (failure.failure !== "network" || options.failFast);
        if (fatalAtStart) settle(failure);
        else log.warn({ endpoint: this.endpoint, failure: failure.failure }, failure.message);
      });
      client.on("close", () => this.onClose());
      client.on("packetreceive", () => this.emit("activity"));
    });
  }

  private classify(err: Error & { code?: string | number }): MqttConnectionError {
    const code = err.code;
    if (typeof code === "number") {
      const table = this.version === 5 ? V5_CONNACK : V4_CONNACK;
      const known = table[code] ?? V4_CONNACK[code] ?? V5_CONNACK[code];
      if (known) return new MqttConnectionError(this.endpoint, known[0], `connection refused: ${known[1]} (code ${code})`);
      return new MqttConnectionError(this.endpoint, "refused", `connection refused: ${err.message} (code ${code})`);
    }
    if (typeof code === "string" && TLS_CODES.test(code)) return new MqttConnectionError(this.endpoint, "tls", `TLS error: ${err.message} (${code})`);
    if (/unsupported protocol version|protocol version/i.test(err.message)) return new MqttConnectionError(this.endpoint, "protocol", err.message);
    if (typeof code === "string") return new MqttConnectionError(this.endpoint, "network", `${err.message} (${code})`);
    return new MqttConnectionError(this.endpoint, "network", err.message);
  }

  private onConnect(connack: IConnackPacket): void {
    // Commands are a few small packets each; Nagle's algorithm with delayed ACKs would hold them ~40 ms.
    (this.client?.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined)?.setNoDelay?.(true);
    this.hasConnected = true;
    this.attempt = 0;
    this.lastFailure = undefined;
    this.lastErrorCode = undefined;
    const sessionPresent = Boolean(connack.sessionPresent);
    this.sendQuota.setCapacity(this.version === 5 ? (connack.properties?.receiveMaximum ?? MQTT5_DEFAULT_RECEIVE_MAXIMUM) : MQTT311_SEND_QUOTA);
    // Subscribe again on every connect, even when the broker kept the session: a new SUBSCRIBE
    // makes it resend retained messages, so discovery configs and states changed during the
    // outage arrive (QoS 0 messages are not queued for an absent client).
    this.brokerFilters.clear();
    this.subscribesInFlight = 0;
    this.connectionGeneration++;
    // MQTT.js leaves Nagle's algorithm on: a device command written right after the controller's
    // state message would wait for the broker's delayed ACK (up to 40 ms on Linux).
    (this.client?.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined)?.setNoDelay?.(true);
    log.info({ endpoint: this.endpoint, protocolVersion: this.version, sessionPresent }, "connected to MQTT broker");
    this.setState("connected");
    if (!this.options.observer) void this.publish({ topic: this.statusTopic, payload: "online", qos: 1, retain: true }).catch((err: Error) =>
      log.warn({ topic: this.statusTopic, err: err.message }, "cannot publish online status"));
    this.syncSubscriptions();
    this.emit("connected", { protocolVersion: this.version, sessionPresent });
  }

  private onClose(): void {
    if (this.currentState === "closed") return;
    if (this.currentState === "connected") {
      const reason = this.lastFailure?.message ?? "connection closed";
      log.warn({ endpoint: this.endpoint }, `disconnected from MQTT broker: ${reason}`);
      this.emit("disconnected", reason);
    }
    if (this.reconnectTimer) return;
    const delayMs = reconnectDelayMs({ minMs: this.config.reconnect_min_ms, maxMs: this.config.reconnect_max_ms }, this.attempt);
    this.attempt += 1;
    this.setState("reconnecting");
    this.emit("reconnecting", { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => this.reconnectNow(), delayMs);
    // A closed port means the broker is down or restarting: look again every reconnect_min_ms and
    // come back as soon as it listens, instead of sleeping out the rest of a long backoff.
    if (this.lastErrorCode === "ECONNREFUSED" && delayMs > 2 * this.config.reconnect_min_ms) this.probeUntilListening();
  }

  private reconnectNow(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.reconnectTimer = undefined;
    this.probeTimer = undefined;
    if (this.currentState === "closed" || !this.client) return;
    // Without the stores MQTT.js starts empty ones and drops the publishes queued while offline.
    this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore });
  }

  /** TCP-connect to the broker every reconnect_min_ms (jittered) while a reconnect waits; reconnect at once when it accepts. */
  private probeUntilListening(): void {
    const every = () => reconnectDelayMs({ minMs: this.config.reconnect_min_ms, maxMs: this.config.reconnect_min_ms }, 0);
    const probe = () => {
      this.probeTimer = undefined;
      if (!this.reconnectTimer || this.currentState !== "reconnecting") return;
      const socket = tcpConnect({ host: this.config.host, port: this.config.port });
      const done = (listening: boolean) => {
        socket.destroy();
        if (!this.reconnectTimer || this.currentState !== "reconnecting") return;
        if (listening) this.reconnectNow();
        else this.probeTimer = setTimeout(probe, every());
      };
      socket.setTimeout(this.config.reconnect_min_ms, () => done(false));
      socket.once("connect", () => done(true));
      socket.once("error", () => done(false));
    };
    this.probeTimer = setTimeout(probe, every());
  }

  /**
   * Make MQTT.js wait for hearth before it acknowledges a QoS 1 command.
   * MQTT.js emits `message`, then calls `handleMessage(packet, callback)` and
   * sends the PUBACK from that callback; MQTT.js's own reading of the socket
   * also waits for the callback. Holding it would stall every other packet
   * (PINGRESP, the PUBACKs of hearth's own device commands) behind a command,
   * so the callback is answered with an error, which makes MQTT.js skip its
   * PUBACK, and the PUBACK is sent here when the handlers settle, on the same
   * connection only: after a reconnect the broker redelivers the message with
   * DUP set, and the inbox acknowledges that copy instead. The callback itself
   * is held back only while `max_pending_commands` are pending (backpressure).
   */
  private holdAcknowledgements(client: MqttClient): void {
    const sendPacket = (client as unknown as { _sendPacket?: (packet: object, cb?: () => void) => void })._sendPacket;
    if (typeof sendPacket !== "function") throw new Error("MQTT.js no longer has _sendPacket: acknowledgement after handling needs updating (devices/mqtt/session.ts)");
    client.handleMessage = (packet, callback) => {
      const held = this.heldAcks.get(packet);
      if (!held) return callback();
      this.heldAcks.delete(packet);
      const deferPuback = packet.qos === 1 && packet.messageId !== undefined;
      if (deferPuback) {
        const messageId = packet.messageId!;
        // The PUBACK belongs to the connection that delivered the message (MQTT.js hands over messages
        // that arrive with the CONNACK before it reports `connect`, so `connected` is no test).
        const stream = client.stream;
        void held.then(() => {
          if (this.client !== client || client.stream !== stream || stream.destroyed) return;
          sendPacket.call(client, { cmd: "puback", messageId }, () => undefined);
        });
      }
      const readOn = () => callback(deferPuback ? new Error("PUBACK deferred until the command is handled") : undefined);
      if (this.commands.pending < this.commands.limit) {
        this.backpressure = false;
        readOn();
        return;
      }
      if (!this.backpressure) {
        this.backpressure = true;
        log.warn({ topic: packet.topic, pending: this.commands.pending, limit: this.commands.limit },
          `${this.commands.pending} commands pending (mqtt.max_pending_commands): commands arrive faster than hearth handles them; reading from the broker paused, it queues the rest (mosquitto drops past its max_queued_messages)`);
      }
      // At most half the keepalive: the PINGRESP waits behind the paused packets.
      let timer: NodeJS.Timeout | undefined;
      let resumed = false;
      const resume = () => {
        if (resumed) return;
        resumed = true;
        clearTimeout(timer);
        readOn();
      };
      timer = setTimeout(resume, this.config.keepalive_s * 500);
      void this.commands.belowLimit().then(resume);
    };
  }

  /**
   * Hand a message to the handlers of the filters it matches. With MQTT 5 the
   * broker names the matching subscriptions (it may send one copy per
   * overlapping filter), so each handler sees each publication once; with
   * 3.1.1 every matching filter's handlers get every copy.
   */
  private dispatch(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const message: IncomingMessage = { topic, payload, qos: packet.qos, retain: packet.retain, dup: packet.dup };
    const correlation = packet.properties?.correlationData;
    if (correlation) message.correlationData = correlation;
    const named = packet.properties?.subscriptionIdentifier;
    let ids = named === undefined ? undefined : Array.isArray(named) ? named : [named];
    const matched = this.subscriptions.match(topic);
    // Messages queued in the broker for a previous run carry that run's identifiers: match by topic.
    if (ids && !matched.some((s) => s.id !== undefined && ids!.includes(s.id))) ids = undefined;
    let admission: ReturnType<CommandInbox["admit"]> | undefined;
    const held: Promise<unknown>[] = [];
    for (const subscription of matched) {
      if (ids && (subscription.id === undefined || !ids.includes(subscription.id))) continue;
      if (subscription.ackAfterHandling) {
        admission ??= this.admitCommand(message, packet);
        if (admission.kind === "redelivery") {
          held.push(admission.settled);
          continue;
        }
        if (admission.kind === "full") {
          subscription.onRefused?.(message, `${admission.pending} commands are already pending (mqtt.max_pending_commands)`);
          continue;
        }
      }
      for (const [handler, bulk] of subscription.handlers) {
        // Bulk handlers take QoS 0 floods (discovery); a command's acknowledgement never waits in the backlog.
        if (bulk && !subscription.ackAfterHandling) {
          this.backlog.push({ message, subscription, handler });
          this.scheduleDrain();
          continue;
        }
        const result = this.deliver(message, subscription, handler);
        if (subscription.ackAfterHandling && result instanceof Promise) {
          held.push(result.catch((err: Error) => log.error({ topic, filter: subscription.filter, err: err?.message }, "command handler failed")));
        }
      }
    }
    if (admission?.kind === "new" && held.length > 0) {
      this.heldAcks.set(packet, this.commands.track(CommandInbox.fingerprint(packet.messageId, topic, payload), Promise.all(held)));
    } else if (held.length > 0) this.heldAcks.set(packet, Promise.all(held).then(() => undefined));
  }

  /** Call one handler; a handler that throws is logged, the others still run. */
  private deliver(message: IncomingMessage, subscription: Subscription, handler: MessageHandler): unknown {
    try {
      return handler(message);
    } catch (err) {
      log.error({ topic: message.topic, filter: subscription.filter, err: (err as Error).message }, "message handler failed");
      log.debug({ stack: (err as Error).stack }, "message handler stack");
      return undefined;
    }
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drainBacklog);
  }

  /** Hand backlogged messages to their handlers for at most BULK_SLICE_MS, then yield. */
  private readonly drainBacklog = (): void => {
    this.drainScheduled = false;
    const until = performance.now() + BULK_SLICE_MS;
    while (this.backlogHead < this.backlog.length) {
      const { message, subscription, handler } = this.backlog[this.backlogHead]!;
      this.backlog[this.backlogHead++] = undefined as unknown as Pending;
      // A handler removed since the message arrived no longer wants it.
      if (subscription.handlers.has(handler) && this.allSubscriptions.get(subscription.filter) === subscription) this.deliver(message, subscription, handler);
      if (performance.now() >= until) break;
    }
    if (this.backlogHead < this.backlog.length) this.scheduleDrain();
    else {
      this.backlog = [];
      this.backlogHead = 0;
    }
  };

  /** Admission of one command delivery, logged when it is a redelivery or refused. */
  private admitCommand(message: IncomingMessage, packet: IPublishPacket): ReturnType<CommandInbox["admit"]> {
    const fingerprint = packet.qos === 1 ? CommandInbox.fingerprint(packet.messageId, message.topic, message.payload) : undefined;
    const admission = this.commands.admit(fingerprint, packet.dup, packet.qos);
    if (admission.kind === "redelivery") {
      log.info({ topic: message.topic, messageId: packet.messageId }, "redelivered command (DUP) already handled; acknowledged, not acted on again");
    } else if (admission.kind === "full") {
      // Every refusal is logged; a flood is also visible in the running count.
      log.warn({ topic: message.topic, pending: admission.pending, refused_total: this.commands.refused, limit: this.commands.limit },
        `QoS 0 command refused: ${admission.pending} commands pending (mqtt.max_pending_commands ${this.commands.limit}); commands arrive faster than hearth handles them`);
    }
    return admission;
  }

  /**
   * Send SUBSCRIBE for the filters the broker does not hold yet (after a
   * connect all of them: onConnect forgets what it held). Filters go
   * in batches (one packet carries one MQTT 5 subscription identifier): a
   * wildcard filter alone, wildcard-free filters up to FILTERS_PER_SUBSCRIBE a
   * packet, grouped by QoS and by the identifier they already have, so a
   * re-subscription keeps it.
   */
  private syncSubscriptions(): void {
    this.unsent.clear();
    const client = this.client;
    if (!client || !this.connected) return;
    const batches = new Map<string, Subscription[]>();
    for (const subscription of this.allSubscriptions.values()) {
      if (this.brokerFilters.has(subscription.filter)) continue;
      const wildcard = /[+#]/.test(subscription.filter);
      if (wildcard && subscription.id === undefined) subscription.id = this.nextSubscriptionId++;
      const key = wildcard ? `w ${subscription.id}` : `${subscription.qos} ${subscription.id ?? "new"}`;
      let batch = batches.get(key);
      if (!batch) batches.set(key, (batch = []));
      batch.push(subscription);
    }
    for (const batch of batches.values()) {
      for (let i = 0; i < batch.length; i += FILTERS_PER_SUBSCRIBE) this.sendSubscribe(client, batch.slice(i, i + FILTERS_PER_SUBSCRIBE));
    }
    this.wakeSubscribedWaiters();
  }

  private sendSubscribe(client: MqttClient, batch: Subscription[]): void {
    const id = batch[0]!.id ?? this.nextSubscriptionId++;
    const filters: Record<string, { qos: 0 | 1 | 2 }> = {};
    for (const subscription of batch) {
      subscription.id = id;
      filters[subscription.filter] = { qos: subscription.qos };
      this.brokerFilters.add(subscription.filter);
    }
    const options = this.version === 5 ? { qos: batch[0]!.qos, properties: { subscriptionIdentifier: id } } : { qos: batch[0]!.qos };
    this.subscribesInFlight++;
    const generation = this.connectionGeneration;
    client.subscribe(filters, options, (err, granted) => {
      if (generation === this.connectionGeneration) this.subscribesInFlight--;
      this.wakeSubscribedWaiters();
      if (!err) return;
      // The SUBACK refuses filters one by one (reason code ≥ 0x80); without one the whole packet failed.
      const refused = new Set((granted ?? []).filter((g) => (g.qos & 0x80) !== 0).map((g) => g.topic));
      for (const subscription of batch) {
        if (refused.size > 0 && !refused.has(subscription.filter)) continue;
        this.brokerFilters.delete(subscription.filter);
        log.warn({ filter: subscription.filter, err: err.message }, "subscribe failed; will retry on the next connect");
      }
    });
  }

  /**
   * Resolves once the broker acknowledged every filter subscribed so far (no
   * filter unsent, no SUBSCRIBE awaiting its SUBACK, connected): from then on a
   * message published on a subscribed topic reaches its handler. Waits across
   * reconnects; a closed session resolves at once (nothing will arrive).
   */
  subscribed(): Promise<void> {
    if (this.allSubscribed()) return Promise.resolve();
    return new Promise((resolve) => this.subscribedWaiters.push(resolve));
  }

  private allSubscribed(): boolean {
    if (this.currentState === "closed") return true;
    return this.connected && this.unsent.size === 0 && this.subscribesInFlight === 0 && this.syncScheduled === false;
  }

  private wakeSubscribedWaiters(): void {
    if (this.subscribedWaiters.length === 0 || !this.allSubscribed()) return;
    const waiters = this.subscribedWaiters;
    this.subscribedWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Send the filters added in this turn of the event loop together, before any later publish. */
  private scheduleSync(): void {
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    setImmediate(() => {
      this.syncScheduled = false;
      if (this.unsent.size > 0) this.syncSubscriptions();
    });
  }

  /**
   * Call `handler` for every message matching `filter` (MQTT wildcards + and #),
   * now and after every reconnect. Retained messages arrive first for a new filter.
   * @returns a function that removes this handler (and unsubscribes when it was the filter's last).
   */
  subscribe(filter: string, handler: MessageHandler, options: SubscribeOptions = {}): () => void {
    // A filter the broker refuses costs the whole connection (and would be replayed on every reconnect).
    const problem = topicProblem(filter, "subscribe");
    if (problem) {
      log.warn({ filter: filter.slice(0, 200), problem }, "not subscribing to an invalid topic filter");
      return () => undefined;
    }
    if (options.ackAfterHandling && options.qos === 2) throw new Error(`subscribe ${filter}: ackAfterHandling needs QoS 0 or 1`);
    let subscription = this.allSubscriptions.get(filter);
    if (!subscription) {
      subscription = { filter, qos: options.qos ?? 1, handlers: new Map(), ackAfterHandling: options.ackAfterHandling === true, onRefused: options.onRefused };
      this.subscriptions.set(filter, subscription);
      this.allSubscriptions.set(filter, subscription);
      this.unsent.add(filter);
      this.scheduleSync();
    } else if (options.ackAfterHandling) {
      subscription.ackAfterHandling = true;
      subscription.onRefused ??= options.onRefused;
    }
    subscription.handlers.set(handler, options.bulk === true);
    return () => {
      const current = this.allSubscriptions.get(filter);
      if (!current) return;
      current.handlers.delete(handler);
      if (current.handlers.size > 0) return;
      this.subscriptions.delete(filter);
      this.allSubscriptions.delete(filter);
      this.unsent.delete(filter);
      if (this.brokerFilters.delete(filter) && this.client && this.connected) this.client.unsubscribe(filter);
    };
  }

  /**
   * Publish one message. QoS 1/2: resolves on PUBACK/PUBCOMP, even when issued
   * while disconnected (sent after reconnect); at most the broker's Receive
   * Maximum are unacknowledged at once, the rest wait in order (send-quota.ts).
   * QoS 0: resolves when written; rejects while disconnected (QoS 0 is not queued).
   * @throws Error when the session is closed or the topic is not a valid topic name.
   */
  publish(message: OutgoingMessage): Promise<void> {
    const client = this.client;
    if (!client || this.currentState === "closed") return Promise.reject(new Error(`MQTT session closed: cannot publish to ${message.topic}`));
    const problem = topicProblem(message.topic, "publish");
    if (problem) return Promise.reject(new Error(`cannot publish to ${JSON.stringify(message.topic.slice(0, 200))}: ${problem}`));
    // Subscriptions made before this publish reach the broker before it (a reply to it is not missed).
    if (this.unsent.size > 0) this.syncSubscriptions();
    const send = () => new Promise<void>((resolve, reject) => {
      client.publish(message.topic, message.payload, { qos: message.qos, retain: message.retain }, (err) => (err ? reject(err) : resolve()));
    });
    if (message.qos === 0) return send();
    return this.sendQuota.acquire().then(send).finally(() => this.sendQuota.release());
  }

  /**
   * Disconnect cleanly. By default first publishes the retained `offline`
   * status (a clean DISCONNECT suppresses the last will).
   */
  async close(options: { publishOffline?: boolean } = {}): Promise<void> {
    if (this.currentState === "closed") return;
    const client = this.client;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.reconnectTimer = undefined;
    this.probeTimer = undefined;
    if (client && this.connected && options.publishOffline !== false && !this.options.observer) {
      // At most 2 s for the PUBACK; the timer is cleared so it does not keep a finished CLI process alive.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.publish({ topic: this.statusTopic, payload: "offline", qos: 1, retain: true }).catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, 2000))),
      ]);
      // A pending timer would keep the process alive for the rest of the 2 s after SIGTERM.
      clearTimeout(timer);
    }
    const wasConnected = this.connected;
    this.setState("closed");
    if (!client) return;
    // MQTT.js's graceful end waits for every in-flight publish to be acknowledged; a broker that
    // never answers must not hold the shutdown past systemd's stop timeout.
    const inFlight = () => Object.keys((client as unknown as { outgoing?: object }).outgoing ?? {}).length;
    if (wasConnected && inFlight() > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => client.once("outgoingEmpty", () => r())), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      if (inFlight() > 0) log.warn({ endpoint: this.endpoint, pending: inFlight() }, "publishes still unacknowledged after 2 s at shutdown; closing anyway");
    }
    await client.endAsync(!wasConnected || inFlight() > 0);
  }
}
