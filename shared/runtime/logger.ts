/**
 * Structured JSON logs, one object per line. Keys that hold secrets (passwords, tokens, codes,
 * credentials) are redacted by name at any depth, and anything that looks like a JWT is masked,
 * so a careless `logger.info(..., event)` cannot leak them; other keys stay readable. Errors are
 * logged with their stack (mapped to the TypeScript sources: source-map.ts) and `cause`.
 */
import { config } from "./config.js";
import { mapStack } from "./source-map.js";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const jwtLike = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const REDACTED = "[REDACTED]";

/** A key is secret when one of its words names a secret… */
const secretWords = new Set([
  "password",
  "passwd",
  "secret",
  "authorization",
  "cookie",
  "credential",
  "credentials",
  "signature",
]);
/** …or its last word is a token (`accessToken`, `X-Amz-Security-Token`; not `tokenUse`)… */
const secretLastWords = new Set(["token", "tokens", "jwt"]);
/** …or it is one of these whole names (Cognito's codes, a session, a presigned POST's policy). */
const secretNames = new Set([
  "code",
  "codeparameter",
  "confirmationcode",
  "verificationcode",
  "session",
  "policy",
  "apikey",
  "privatekey",
]);

/** The words of a key: `newPassword`, `new_password` and `New-Password` are `new`, `password`. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Whether a value under `key` is a secret: by name only, so `tokenUse` and `passwordless` stay. */
export function isSecretKey(key: string): boolean {
  const parts = words(key);
  const last = parts.at(-1);
  return (
    parts.some((word) => secretWords.has(word)) ||
    (last !== undefined && secretLastWords.has(last)) ||
    secretNames.has(parts.join(""))
  );
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: error.name,
    message: redact(error.message),
    // Mapped to the TypeScript sources here, at log time, rather than by --enable-source-maps.
    stack: redact(error.stack === undefined ? undefined : mapStack(error.stack)),
  };
  const code: unknown = "code" in error ? error.code : undefined;
  if (typeof code === "string" || typeof code === "number") out["code"] = code;
  if (error.cause !== undefined) out["cause"] = redact(error.cause, depth + 1);
  return out;
}

/**
 * Returns a copy of `value` that is safe to log: values under secret-named keys and JWT-like
 * strings masked; an `Error` becomes its name, message, stack, `code` and `cause` (redacted too).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[…]";
  if (typeof value === "string") return value.replace(jwtLike, REDACTED);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return redactError(value, depth);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** A logger whose lines all carry `context` (for example the request id). */
  child(context: Record<string, unknown>): Logger;
}

/**
 * A logger at `LOG_LEVEL`, or at debug for a sampled share (`POWERTOOLS_LOGGER_SAMPLE_RATE`) of
 * its children: a handler takes one child per invocation, so whole invocations are sampled.
 */
export function createLogger(
  context: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(line + "\n"),
  random: () => number = Math.random,
): Logger {
  const level = config.logLevel();
  const configured = Object.hasOwn(order, level) ? order[level as Level] : order.info;
  const root = withThreshold(context, write, configured);
  return {
    ...root,
    child: (more) => {
      const rate = config.logSampleRate();
      const sampled = rate > 0 && random() < rate;
      return withThreshold({ ...context, ...more }, write, sampled ? order.debug : configured);
    },
  };
}

function withThreshold(
  context: Record<string, unknown>,
  write: (line: string) => void,
  threshold: number,
): Logger {
  const emit = (level: Level, message: string, data?: Record<string, unknown>) => {
    if (order[level] < threshold) return;
    const line = { level, time: new Date().toISOString(), message, ...context, ...data };
    write(JSON.stringify(redact(line)));
  };
  return {
    debug: (message, data) => emit("debug", message, data),
    info: (message, data) => emit("info", message, data),
    warn: (message, data) => emit("warn", message, data),
    error: (message, data) => emit("error", message, data),
    child: (more) => withThreshold({ ...context, ...more }, write, threshold),
  };
}

/** The module-level logger; handlers use a child carrying the request id. */
export const logger = createLogger();
