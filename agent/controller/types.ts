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
  /** The publisher's id of a typed command (`{"id": …, "text": …}` on the text topic), echoed in its event so a client can match the reply. */
  id?: string;
}

export interface CommandRequest {
  /** What was said or typed; for a rule, a description of its action. */
  text: string;
  origin: CommandOrigin;
  /** An intent already known (a scene rule's action): resolved without the recognizer. */
  intent?: { name: string; slots: Record<string, unknown> };
  /** Raw messages to send (a scene rule's MQTT action), still through the controller and the publish guard. */
  messages?: OutgoingMessage[];
  /**
   * The text is a speech recognizer's free transcript of speech its grammar rejected: only the fallback
   * recognizer reads it, under the voice thresholds (the templates already said no).
   */
  freeTranscript?: boolean;
}

export interface Target {
  entity: Entity;
  action: Action;
}

/**
 * What the understanding leads to: `act` (carry it out, answer a question),
 * `confirm` (ask a yes/no question first: sensitive actions, and fallback
 * readings of middle confidence), `clarify` (ask which one) or `refuse`
 * (not understood, nothing to act on, an error).
 */
export type Decision = "act" | "confirm" | "clarify" | "refuse";

/** Which recognizer read the text: the strict templates, the fallback (agent/intent/fallback/), a rule's intent, or a reply to a question. */
export type RecognizedBy = "template" | "fallback" | "rule" | "reply";

/** How sure the understanding is, and how it was reached (events and `hearth say --json` carry these). */
export interface UnderstandingMeta {
  decision?: Decision;
  /** 0..1: 1 for a full template match, 0.5 for an unknown name, the fallback's calibrated confidence. */
  confidence?: number;
  recognizedBy?: RecognizedBy;
}

/** The outcome of recognising and resolving one utterance. */
export type Understanding = UnderstandingMeta &
  (
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
    | { kind: "error"; intent?: string; slots?: Record<string, unknown>; response: string; error: string }
  );

/** The record of one finished command session, published as one JSON line. */
export interface SessionEvent {
  /** `refused`: a typed command not handled because too many were pending (the agent's inbox, not the statechart). */
  type: "command" | "confirmation_requested" | "clarification_requested" | "timeout" | "refused";
  text: string;
  origin: CommandOrigin;
  intent: string | null;
  slots: Record<string, unknown>;
  /** Entity ids acted on, asked about (confirmation) or offered (clarification). */
  targets: string[];
  /** What this turn did: act, confirm (a yes/no question was asked), clarify (which one?) or refuse. */
  decision: Decision;
  /** 0..1, see UnderstandingMeta; 0 when nothing was understood. */
  confidence: number;
  recognizedBy?: RecognizedBy;
  messages: OutgoingMessage[];
  response: string;
  error?: string;
  t: string;
}
