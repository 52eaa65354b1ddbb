/**
 * `Authorization: Bearer <jwt>` parsing (RFC 6750), strict on purpose: the scheme is
 * case-insensitive, but there must be exactly one header carrying exactly one JWT-shaped token
 * (three base64url segments, no padding, nothing before or after), at most 8 KiB long. Everything
 * else is refused before any decoding or key lookup happens.
 */
import { header } from "../http/responses.js";

/** Longest accepted Authorization header, in characters. Cognito access tokens are ~1 KiB. */
export const MAX_AUTHORIZATION_LENGTH = 8 * 1024;

const bearer = /^bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

export class BearerError extends Error {
  override name = "BearerError";
}

/** The token of an `Authorization` header value; throws `BearerError` for anything else. */
export function parseBearer(value: string | undefined): string {
  if (value === undefined || value.length === 0) throw new BearerError("missing");
  if (value.length > MAX_AUTHORIZATION_LENGTH) throw new BearerError("too long");
  const token = bearer.exec(value)?.[1];
  if (token === undefined) throw new BearerError("not a Bearer JWT");
  return token;
}

/**
 * The bearer token of a request's headers. Repeated Authorization headers (which API Gateway would
 * otherwise collapse to one of them) are refused rather than guessed between.
 */
export function bearerFromHeaders(
  headers: Record<string, string | undefined> | null,
  multiValueHeaders: Record<string, string[] | undefined> | null,
): string {
  const values = Object.entries(multiValueHeaders ?? {})
    .filter(([name]) => name.toLowerCase() === "authorization")
    .flatMap(([, list]) => list ?? []);
  if (values.length > 1) throw new BearerError("several Authorization headers");
  return parseBearer(header(headers, "authorization"));
}
