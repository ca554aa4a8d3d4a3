/**
 * What the controller exchanges with the actors it invokes. The controller
 * decides; understanding (intent recognition + resolution), acting (MQTT) and
 * responding (events, speech) are supplied from outside as promise actors.
 */
import type { Entity, OutgoingMessage } from "../../devices/entity.ts";
import type { Action } from "../../devices/commands/action.ts";

/** Where a command came from: the typed CLI, the MQTT text topic, a microphone, a scene rule, a delayed command's timer. */
export interface CommandOrigin {
  kind: "cli" | "mqtt" | "voice" | "rule" | "timer";
  /** Microphone or camera name, the rule's name, or `timer:<id>`. */
  source?: string;
  /** Area of the input (the microphone's room, `--area`), used when the text names none. */
  area?: string;
}

export interface CommandRequest {
  /** What was said or typed; for a rule, a description of its action. */
  text: string;
  origin: CommandOrigin;
  /** An intent already known (a scene rule's action): resolved without the recognizer. */
  intent?: { name: string; slots: Record<string, unknown> };
  /** Raw messages to send (a scene rule's MQTT action), still through the controller and the publish guard. */
  messages?: OutgoingMessage[];
}

export interface Target {
  entity: Entity;
  action: Action;
}

/** The outcome of recognising and resolving one utterance. */
export type Understanding =
  | { kind: "act"; intent: string; slots: Record<string, unknown>; targets: Target[]; response: string; confirmation?: string }
  | {
    kind: "custom"; intent: string; slots: Record<string, unknown>; messages: OutgoingMessage[]; event?: { event_type: string; data: Record<string, unknown> }; response: string; confirmation?: string;
    /** A local action (set a timer, broadcast), run by the act step: hearth's own state, no MQTT command. */
    perform?: () => Promise<void> | void;
  }
  | { kind: "answer"; intent: string; slots: Record<string, unknown>; response: string }
  | { kind: "clarify"; intent: string; slots: Record<string, unknown>; question: string; candidates: Entity[] }
  | { kind: "nevermind"; intent: "HassNevermind"; response: string }
  | { kind: "not_understood"; response: string }
  | { kind: "error"; intent?: string; slots?: Record<string, unknown>; response: string; error: string };

/** The record of one finished command session, published as one JSON line. */
export interface SessionEvent {
  type: "command" | "confirmation_requested" | "clarification_requested" | "timeout";
  text: string;
  origin: CommandOrigin;
  intent: string | null;
  slots: Record<string, unknown>;
  targets: string[];
  messages: OutgoingMessage[];
  response: string;
  error?: string;
  t: string;
}
