/**
 * Runs the command-session statechart for the long-lived agent: requests are
 * handled one at a time, and `submit` resolves with the event the session
 * published for that request (a command record, a confirmation or
 * clarification question, or a timeout). A request that arrives while the
 * session waits for a confirmation or an answer is that follow-up turn.
 */
import { createActor, fromPromise, type Actor, type SimulatedClock } from "xstate";
import { commandSessionMachine, type CommandSessionActors, type CommandSessionInput } from "./command-session.ts";
import type { CommandRequest, SessionEvent } from "./types.ts";

export class SessionRunner {
  private readonly actor: Actor<typeof commandSessionMachine>;
  private queue: Promise<unknown> = Promise.resolve();
  private waiter?: (event: SessionEvent) => void;
  private readonly listeners = new Set<(event: SessionEvent) => void>();

  constructor(actors: CommandSessionActors, input: CommandSessionInput, clock?: SimulatedClock) {
    const machine = commandSessionMachine.provide({
      actors: {
        understand: fromPromise(({ input }) => actors.understand(input.request, input.pending)),
        act: fromPromise(({ input }) => actors.act(input)),
        respond: fromPromise(async ({ input }) => {
          await actors.respond(input);
          for (const listener of this.listeners) listener(input);
          const waiter = this.waiter;
          this.waiter = undefined;
          waiter?.(input);
        }),
      },
    });
    this.actor = createActor(machine, { input, ...(clock ? { clock } : {}) });
    this.actor.start();
  }

  /** The statechart's current state name (for status and tests). */
  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  /** Called with the state name whenever the statechart moves to another state. */
  onState(listener: (state: string) => void): () => void {
    let last = this.state;
    const sub = this.actor.subscribe((snapshot) => {
      const state = String(snapshot.value);
      if (state !== last) listener((last = state));
    });
    return () => sub.unsubscribe();
  }

  /** Called with every event the session publishes, including timeouts nobody awaited. */
  onEvent(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hand one utterance to the session; resolves with the next event it publishes. */
  submit(request: CommandRequest): Promise<SessionEvent> {
    const run = this.queue.then(
      () =>
        new Promise<SessionEvent>((resolve) => {
          this.waiter = resolve;
          this.actor.send({ type: "TEXT", request });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.actor.stop();
  }
}
