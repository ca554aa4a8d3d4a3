/**
 * The command-session statechart, the one place that decides what happens to
 * an utterance: idle → understanding → (clarifying | confirming) → acting →
 * responding → idle. Recognition, MQTT and responses are invoked promise
 * actors supplied by the caller; the confirmation and clarification timeouts
 * are named delays, so tests drive the machine with xstate's SimulatedClock.
 */
import { assign, fromPromise, setup } from "xstate";
import type { OutgoingMessage } from "../../devices/entity.ts";
import { answerYesNo } from "../intent/follow-up.ts";
import type { CommandOrigin, CommandRequest, Decision, SessionEvent, Target, Understanding } from "./types.ts";

export interface CommandSessionActors {
  /** Recognise and resolve the text. `pending` is the clarification being answered, if any. */
  understand: (request: CommandRequest, pending?: Extract<Understanding, { kind: "clarify" }>) => Promise<Understanding>;
  /** Send the commands for resolved targets (or a custom intent's messages); resolves with what was published. */
  act: (work: ActWork) => Promise<OutgoingMessage[]>;
  /** Publish the event line and speak/print the response. */
  respond: (event: SessionEvent) => Promise<void>;
}

/** What the act step carries out: commands for targets, configured messages, a custom intent's event, a local action. */
export interface ActWork {
  targets: Target[];
  messages: OutgoingMessage[];
  event?: { event_type: string; data: Record<string, unknown> };
  perform?: () => Promise<void> | void;
}

export interface CommandSessionInput {
  confirmationTimeoutMs: number;
  clarificationTimeoutMs: number;
}

interface Context extends CommandSessionInput {
  request?: CommandRequest;
  understanding?: Understanding;
  messages: OutgoingMessage[];
  response: string;
  error?: string;
  eventType: SessionEvent["type"];
  /** The acting state was entered for this request (after a "yes" too). */
  acted: boolean;
}

export type CommandSessionEvent = { type: "TEXT"; request: CommandRequest };

/** What this turn did: asked (confirm, clarify), acted (or answered), or did nothing (refuse). */
function decisionOfTurn(context: Context): Decision {
  if (context.eventType === "confirmation_requested") return "confirm";
  if (context.eventType === "clarification_requested") return "clarify";
  if (context.eventType === "timeout") return "refuse";
  const u = context.understanding;
  if (context.acted || u?.kind === "answer" || u?.kind === "nevermind") return "act";
  return "refuse";
}

/** Whether a reply comes from where the question was asked: the same kind of input, microphone or topic, and area. */
function sameOrigin(asked: CommandOrigin | undefined, reply: CommandOrigin): boolean {
  if (!asked) return true;
  return asked.kind === reply.kind && asked.source === reply.source && asked.area === reply.area;
}

function recordOf(context: Context): SessionEvent {
  const u = context.understanding;
  const intent = u && "intent" in u ? (u.intent ?? null) : null;
  const slots = u && "slots" in u ? (u.slots ?? {}) : {};
  const targets = u?.kind === "act" ? u.targets.map((t) => t.entity.id) : u?.kind === "clarify" ? u.candidates.map((c) => c.id) : [];
  return {
    type: context.eventType,
    text: context.request?.text ?? "",
    origin: context.request?.origin ?? { kind: "cli" },
    intent,
    slots,
    targets,
    decision: decisionOfTurn(context),
    confidence: u?.confidence ?? (u && u.kind !== "not_understood" ? 1 : 0),
    ...(u?.recognizedBy ? { recognizedBy: u.recognizedBy } : {}),
    messages: context.messages,
    response: context.response,
    ...(context.error ? { error: context.error } : {}),
    t: new Date().toISOString(),
  };
}

export const commandSessionMachine = setup({
  types: {
    context: {} as Context,
    events: {} as CommandSessionEvent,
    input: {} as CommandSessionInput,
  },
  actors: {
    understand: fromPromise<Understanding, { request: CommandRequest; pending?: Extract<Understanding, { kind: "clarify" }> }>(async () => {
      throw new Error("understand actor not provided");
    }),
    act: fromPromise<OutgoingMessage[], ActWork>(async () => {
      throw new Error("act actor not provided");
    }),
    respond: fromPromise<void, SessionEvent>(async () => {
      throw new Error("respond actor not provided");
    }),
  },
  delays: {
    confirmationTimeout: ({ context }) => context.confirmationTimeoutMs,
    clarificationTimeout: ({ context }) => context.clarificationTimeoutMs,
  },
  guards: {
    needsConfirmation: ({ context }) => (context.understanding?.kind === "act" || context.understanding?.kind === "custom") && !!context.understanding.confirmation,
    isAct: ({ context }) => context.understanding?.kind === "act" || context.understanding?.kind === "custom",
    isClarify: ({ context }) => context.understanding?.kind === "clarify",
    // A sensitive action needs a clear yes from where it was asked (the same microphone, topic and
    // area: a "yes" said in another room answers nothing); "no" declines it, and anything else drops
    // it for a new command.
    confirmed: ({ context, event }) => sameOrigin(context.request?.origin, event.request.origin) && answerYesNo(event.request.text) === true,
    declined: ({ context, event }) => sameOrigin(context.request?.origin, event.request.origin) && answerYesNo(event.request.text) === false,
    fromAsker: ({ context, event }) => sameOrigin(context.request?.origin, event.request.origin),
  },
}).createMachine({
  id: "commandSession",
  context: ({ input }) => ({ ...input, messages: [], response: "", eventType: "command", acted: false }),
  initial: "idle",
  states: {
    idle: {
      entry: assign({ request: undefined, understanding: undefined, messages: [], response: "", error: undefined, eventType: "command", acted: false }),
      on: { TEXT: { target: "understanding", actions: assign({ request: ({ event }) => event.request }) } },
    },
    understanding: {
      invoke: {
        src: "understand",
        input: ({ context }) => ({
          request: context.request!,
          pending: context.understanding?.kind === "clarify" ? context.understanding : undefined,
        }),
        onDone: { target: "routing", actions: assign({ understanding: ({ event }) => event.output }) },
        onError: {
          target: "responding",
          actions: assign({
            response: "Sorry, something went wrong.",
            error: ({ event }) => (event.error as Error).message,
          }),
        },
      },
    },
    routing: {
      always: [
        { guard: "needsConfirmation", target: "confirming" },
        { guard: "isAct", target: "acting" },
        { guard: "isClarify", target: "clarifying" },
        {
          target: "responding",
          actions: assign(({ context }) => {
            const u = context.understanding!;
            return { response: "response" in u ? u.response : "", error: u.kind === "error" ? u.error : undefined };
          }),
        },
      ],
    },
    confirming: {
      entry: assign(({ context }) => ({
        response: context.understanding?.kind === "act" || context.understanding?.kind === "custom" ? context.understanding.confirmation! : "",
        eventType: "confirmation_requested" as const,
      })),
      invoke: { src: "respond", input: ({ context }) => recordOf(context) },
      on: {
        TEXT: [
          { guard: "confirmed", target: "acting", actions: assign({ eventType: "command" }) },
          { guard: "declined", target: "responding", actions: assign({ response: "Okay, I won't do that.", eventType: "command" }) },
          // Neither yes nor no: the sensitive action is dropped, and the new words are a command of their own.
          { target: "understanding", actions: assign({ request: ({ event }) => event.request, understanding: undefined, eventType: "command" }) },
        ],
      },
      after: {
        confirmationTimeout: { target: "responding", actions: assign({ response: "No confirmation, so I did nothing.", eventType: "timeout" }) },
      },
    },
    clarifying: {
      entry: assign(({ context }) => ({
        response: context.understanding?.kind === "clarify" ? context.understanding.question : "",
        eventType: "clarification_requested" as const,
      })),
      invoke: { src: "respond", input: ({ context }) => recordOf(context) },
      on: {
        TEXT: [
          {
            guard: "fromAsker",
            target: "understanding",
            actions: assign({ request: ({ context, event }) => ({ ...event.request, origin: context.request?.origin ?? event.request.origin }), eventType: "command" }),
          },
          // Someone elsewhere: the question is dropped and their words are a command of their own.
          { target: "understanding", actions: assign({ request: ({ event }) => event.request, understanding: undefined, eventType: "command" }) },
        ],
      },
      after: {
        clarificationTimeout: { target: "responding", actions: assign({ response: "No answer, so I did nothing.", eventType: "timeout" }) },
      },
    },
    acting: {
      entry: assign({ acted: true }),
      invoke: {
        src: "act",
        input: ({ context }) => {
          const u = context.understanding!;
          if (u.kind === "act") return { targets: u.targets, messages: [] };
          if (u.kind === "custom") return { targets: [], messages: u.messages, event: u.event, perform: u.perform };
          return { targets: [], messages: [] };
        },
        onDone: {
          target: "responding",
          actions: assign({
            messages: ({ event }) => event.output,
            response: ({ context }) => {
              const u = context.understanding!;
              return "response" in u ? u.response : "";
            },
          }),
        },
        onError: {
          target: "responding",
          actions: assign({
            response: "Sorry, I could not reach the device.",
            error: ({ event }) => (event.error as Error).message,
          }),
        },
      },
    },
    responding: {
      invoke: {
        src: "respond",
        input: ({ context }) => recordOf(context),
        onDone: "idle",
        onError: "idle",
      },
    },
  },
});
