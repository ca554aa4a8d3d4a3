/**
 * Carries out resolved targets: each entity's encoder turns the action into
 * MQTT messages in HA's dialect, the publish guard checks every topic, and the
 * session publishes. Publishing is not awaited past the hand-over, so a
 * command issued while the broker is away is queued by the session and
 * delivered after the reconnect instead of blocking the controller; `flush`
 * waits for delivery (one-shot CLI use).
 */
import { encodeAction } from "../../devices/commands/encode.ts";
import { optimisticUpdate, type OptimisticUpdate } from "../../devices/commands/optimistic.ts";
import type { OutgoingMessage } from "../../devices/entity.ts";
import { logger } from "../log.ts";
import type { Target } from "../controller/types.ts";
import type { PublishGuard, PublishSource } from "./publish-guard.ts";

const log = logger("act/executor");

export interface Publisher {
  publish(message: OutgoingMessage): Promise<void>;
  /** False while the broker is away (QoS 0 is not queued then); absent means always connected. */
  readonly connected?: boolean;
}

/** Where HA's optimistic state goes (the registry's setState). */
export type OptimisticSink = (entityId: string, update: OptimisticUpdate) => void;

export class Executor {
  private readonly pending = new Set<Promise<void>>();
  private optimistic: OptimisticSink | undefined;

  /**
   * `publisher` undefined means dry run: messages are computed and returned,
   * never sent, and a target that cannot be encoded (a fixtures-only entity)
   * is only logged, so a dry run shows what would be understood and sent.
   */
  constructor(private readonly guard: PublishGuard, private readonly publisher?: Publisher) {}

  /**
   * Where to put the state HA assumes for a target whose command was sent and
   * whose device does not report that state (optimistic.ts); nowhere until set.
   */
  onOptimisticState(sink: OptimisticSink): void {
    this.optimistic = sink;
  }

  /**
   * Encode and publish. Targets that cannot do their action are skipped with a
   * warning; when none can (and this is no dry run), the first error is thrown.
   * @throws UnsupportedActionError or a guard refusal when nothing could be sent.
   */
  async act(work: { targets: Target[]; messages: OutgoingMessage[] }): Promise<OutgoingMessage[]> {
    const out: { message: OutgoingMessage; source: PublishSource }[] = [];
    const errors: Error[] = [];
    const encoded = new Map<Target, OutgoingMessage[]>();
    for (const target of work.targets) {
      try {
        const messages = encodeAction(target.entity, target.action);
        encoded.set(target, messages);
        for (const message of messages) out.push({ message, source: { kind: "entity", entity: target.entity } });
      } catch (err) {
        errors.push(err as Error);
        log.warn({ entity: target.entity.id, action: target.action.type, err: (err as Error).message }, "cannot command entity");
      }
    }
    for (const message of work.messages) out.push({ message, source: { kind: "configured" } });
    const allowed = out.filter(({ message: m, source }) => {
      const verdict = this.guard.judge(m.topic, source);
      if (verdict.allowed) return true;
      errors.push(new Error(`refusing to publish to ${m.topic}: ${verdict.reason}`));
      log.error({ topic: m.topic, reason: verdict.reason }, "refused publish");
      return false;
    }).map((o) => o.message);
    // While the broker is away QoS 1/2 commands wait in the session's queue; QoS 0 ones (HA's default)
    // would vanish, so they fail here and the user hears that the device could not be reached.
    const sendable = this.publisher?.connected === false
      ? allowed.filter((m) => {
        if (m.qos > 0) return true;
        errors.push(new Error(`MQTT broker unreachable: not sending to ${m.topic} (QoS 0 is not queued)`));
        log.warn({ topic: m.topic }, "broker unreachable; QoS 0 command not sent");
        return false;
      })
      : allowed;
    if (!sendable.length && errors.length && this.publisher) throw errors[0]!;
    if (this.publisher) for (const message of sendable) this.track(this.publisher.publish(message), message);
    if (this.publisher && this.optimistic) {
      const sent = new Set(sendable);
      for (const [target, messages] of encoded) {
        if (messages.length === 0 || !messages.every((m) => sent.has(m))) continue;
        const update = optimisticUpdate(target.entity, target.action);
        if (update) this.optimistic(target.entity.id, update);
      }
    }
    return sendable;
  }

  private track(delivery: Promise<void>, message: OutgoingMessage): void {
    const p = delivery.catch((err: Error) => log.error({ topic: message.topic, err: err.message }, "publish failed"));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every message handed to the session so far is delivered (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
