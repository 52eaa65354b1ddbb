/**
 * Structured JSON logs, one object per line. Keys that may hold secrets are redacted by name at
 * any depth, and anything that looks like a JWT is masked, so a careless `logger.info(..., event)`
 * cannot leak a password, a token or a verification code.
 */
import { config } from "./config.js";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const secretKey =
  /pass(word)?|secret|token|authorization|cookie|^(code|codeparameter|confirmationcode|verificationcode)$|credential|signature|policy/i;
const jwtLike = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const REDACTED = "[REDACTED]";

/** Returns a copy of `value` that is safe to log: secret-named keys and JWT-like strings masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[…]";
  if (typeof value === "string") return value.replace(jwtLike, REDACTED);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = secretKey.test(key) ? REDACTED : redact(item, depth + 1);
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

export function createLogger(
  context: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(line + "\n"),
): Logger {
  const threshold =
    order[(config.logLevel() as Level) in order ? (config.logLevel() as Level) : "info"];
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
    child: (more) => createLogger({ ...context, ...more }, write),
  };
}

/** The module-level logger; handlers use a child carrying the request id. */
export const logger = createLogger();
