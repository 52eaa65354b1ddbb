/**
 * The one wrapper every user-pool trigger uses, as `api()` is for routes. A trigger gets Cognito's
 * event and returns it with its `response` filled in; whatever it throws, Cognito shows the
 * message to the user ("PreSignUp failed with error <message>."). So `trigger()` owns, in one
 * place:
 *
 * - the logger of the invocation (trigger source and request id on every line, never the event;
 *   a secret the event carries masked wherever it appears);
 * - the dispatch on `triggerSource`: one function per source, all of them required by the type,
 *   so a source the `@types/aws-lambda` union gains fails to compile until it is handled on
 *   purpose, and one that arrives anyway is refused;
 * - the error mapping: a `TriggerError` is a sentence meant for the user and passes through;
 *   anything else (a configuration error, a dependency down, a bug) is logged with its stack and
 *   the user reads only the trigger's `failure` sentence — or, for a best-effort trigger, the
 *   event goes back unchanged and the user's flow proceeds;
 * - the counters (docs/operations.md, "Metrics"): the trigger's `done` metric when the user's flow
 *   proceeds, its `refused` metric for a `TriggerError`, and `TriggerFailed` for anything else —
 *   the one signal that tells a refusal (Lambda counts it as an error too) from a fault.
 */
import type { Context, Handler } from "aws-lambda";
import { logger, redact, type Logger } from "../runtime/logger.js";
import { countMetric, type MetricName } from "../runtime/metrics.js";

/** A trigger handler typed on both ends (`@types/aws-lambda` handlers return `any`). */
export type Trigger<E> = Handler<E, E>;

/** A refusal whose message is meant for the user. */
export class TriggerError extends Error {
  override name = "TriggerError";
}

/** What a user reads when a trigger fails for a reason that is not theirs. */
export const TRY_AGAIN = "We could not process your request right now. Please try again.";

/** What a user reads for a trigger source this template does not handle. */
export const UNSUPPORTED = "This request is not supported.";

type SourceOf<E extends { triggerSource: string }> = E["triggerSource"];

/**
 * One function per trigger source of `E`. Each gets the event narrowed to its source and the
 * invocation's logger, and fills in `event.response` (or throws a `TriggerError`).
 */
export type SourceHandlers<E extends { triggerSource: string }> = {
  [S in SourceOf<E>]: (event: E & { triggerSource: S }, log: Logger) => Promise<void> | void;
};

export interface TriggerOptions<E> {
  /** The sentence a user reads when the trigger fails unexpectedly (default `TRY_AGAIN`). */
  failure?: string;
  /**
   * Best-effort triggers (bookkeeping after the fact): any failure is logged with this message
   * and the event returned unchanged, so the user's sign-in or confirmation proceeds.
   */
  proceedOnFailure?: string;
  /** A secret the event carries (UserMigration's password), masked in everything logged. */
  secret?: (event: E) => unknown;
  /**
   * Counted when the user's flow proceeds (the handler returned, or a best-effort trigger failed);
   * a function of the event when only some sources count.
   */
  done?: MetricName | ((event: E) => MetricName | undefined);
  /** Counted when the handler refuses with a `TriggerError`. */
  refused?: MetricName;
}

function doneMetric<E>(options: TriggerOptions<E>, event: E): MetricName | undefined {
  return typeof options.done === "function" ? options.done(event) : options.done;
}

/** Wraps the per-source functions of one trigger in the shared logging and error mapping. */
export function trigger<E extends { triggerSource: string }>(
  handlers: SourceHandlers<E>,
  options: TriggerOptions<E> = {},
): Trigger<E> {
  return async (event: E, context: Context) => {
    const secret = options.secret?.(event);
    const log = maskingLogger(
      logger.child({ triggerSource: event.triggerSource, requestId: context.awsRequestId }),
      typeof secret === "string" ? secret : undefined,
    );
    const handle = sourceHandler(handlers, event.triggerSource);
    if (!handle) {
      log.error("unsupported trigger source");
      throw new TriggerError(UNSUPPORTED);
    }
    try {
      await handle(event, log);
    } catch (error) {
      if (error instanceof TriggerError && options.proceedOnFailure === undefined) {
        if (options.refused) countMetric(options.refused);
        throw error;
      }
      countMetric("TriggerFailed");
      if (options.proceedOnFailure === undefined) {
        log.error("trigger failed", { error });
        throw new TriggerError(options.failure ?? TRY_AGAIN);
      }
      log.error(options.proceedOnFailure, { error });
    }
    const done = doneMetric(options, event);
    if (done) countMetric(done);
    return event;
  };
}

function sourceHandler<E extends { triggerSource: string }>(
  handlers: SourceHandlers<E>,
  source: string,
): ((event: E, log: Logger) => Promise<void> | void) | undefined {
  if (!Object.hasOwn(handlers, source)) return undefined;
  const handle: unknown = (handlers as Record<string, unknown>)[source];
  return typeof handle === "function"
    ? (handle as (event: E, log: Logger) => Promise<void> | void)
    : undefined;
}

/** The pool user of an event: `sub` and `email` are always among its attributes. */
export function poolUser(attributes: Record<string, string>): { sub: string; email: string } {
  const sub = attributes["sub"];
  const email = attributes["email"];
  if (!sub || !email) {
    // Not a refusal of the user: `trigger()` logs it, counts a failure and answers `failure`.
    throw new Error(
      `user attributes lack sub or email (names: ${Object.keys(attributes).join(", ")})`,
    );
  }
  return { sub, email };
}

/**
 * `log`, with every occurrence of `secret` masked in what it writes: defence in depth for a
 * trigger that holds a password (an error message or stack quoting its input must not leak it).
 */
export function maskingLogger(log: Logger, secret: string | undefined): Logger {
  if (!secret) return log;
  const escaped = JSON.stringify(secret).slice(1, -1);
  const mask = (data: Record<string, unknown> | undefined) =>
    data === undefined
      ? undefined
      : (JSON.parse(JSON.stringify(redact(data)).split(escaped).join("[REDACTED]")) as Record<
          string,
          unknown
        >);
  return {
    debug: (message, data) => {
      log.debug(message, mask(data));
    },
    info: (message, data) => {
      log.info(message, mask(data));
    },
    warn: (message, data) => {
      log.warn(message, mask(data));
    },
    error: (message, data) => {
      log.error(message, mask(data));
    },
    child: (context) => maskingLogger(log.child(mask(context) ?? {}), secret),
  };
}
