/**
 * What every user-pool trigger shares. A trigger gets Cognito's event and returns it with its
 * `response` filled in; whatever it throws, Cognito shows the message to the user ("PreSignUp
 * failed with error <message>."), so it throws only `TriggerError`s with sentences a user may
 * read, and logs the details instead.
 */
import type { Context, Handler } from "aws-lambda";
import { logger, redact, type Logger } from "../runtime/logger.js";

/** A trigger handler typed on both ends (`@types/aws-lambda` handlers return `any`). */
export type Trigger<E> = Handler<E, E>;

/** A refusal whose message is meant for the user. */
export class TriggerError extends Error {
  override name = "TriggerError";
}

/** The logger of one invocation: trigger source and request id on every line, never the event. */
export function triggerLogger(event: { triggerSource: string }, context: Context): Logger {
  return logger.child({ triggerSource: event.triggerSource, requestId: context.awsRequestId });
}

/**
 * The `default:` of a switch over `triggerSource` (given the narrowed event or source): a source the `@types/aws-lambda` union gains
 * is a compile error until it is handled on purpose, and one that arrives anyway fails closed.
 */
export function unsupportedTriggerSource(eventOrSource: never): never {
  const value: unknown = eventOrSource;
  const source =
    typeof value === "object" && value !== null
      ? (value as { triggerSource?: unknown }).triggerSource
      : value;
  logger.error("unsupported trigger source", { triggerSource: String(source) });
  throw new TriggerError("This request is not supported.");
}

/** The pool user of an event: `sub` and `email` are always among its attributes. */
export function poolUser(attributes: Record<string, string>): { sub: string; email: string } {
  const sub = attributes["sub"];
  const email = attributes["email"];
  if (!sub || !email) {
    logger.error("user attributes lack sub or email", { attributes: Object.keys(attributes) });
    throw new TriggerError("We could not process your account right now. Please try again.");
  }
  return { sub, email };
}

/**
 * `log`, with every occurrence of `secret` masked in what it writes: defence in depth for a
 * trigger that holds a password (an error message quoting its input must not leak it either).
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
