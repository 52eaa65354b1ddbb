/**
 * Optimistic locking over HTTP. A versioned item's ETag is its version as a strong entity tag
 * (`"3"`, see `etag()`), and `If-Match` must carry exactly one such tag. Anything else — `*`, a
 * weak tag `W/"3"`, a list, an unquoted number, the header given twice in any casings — is a 400: accepting `*`
 * or a list would let a client overwrite a version it never read.
 */
import type { ApiEvent } from "./api.js";
import { BadRequestError, PreconditionRequiredError } from "./errors.js";
import { header } from "./responses.js";

const strongVersion = /^"([1-9]\d{0,14})"$/;

/**
 * True when `If-Match` arrives more than once: twice under one name, or under two casings
 * (`If-Match` and `if-match` are the same header, and API Gateway keeps each casing apart).
 */
function givenTwice(event: ApiEvent): boolean {
  const isIfMatch = (name: string) => name.toLowerCase() === "if-match";
  const values = Object.entries(event.multiValueHeaders)
    .filter(([name]) => isIfMatch(name))
    .reduce((count, [, list]) => count + (list?.length ?? 0), 0);
  const names = Object.keys(event.headers).filter(isIfMatch).length;
  return values > 1 || names > 1;
}

const badIfMatch = () =>
  new BadRequestError('If-Match: must be the one ETag you last read, such as "3"');

/** The version in `If-Match`, or undefined when the header is absent or empty. */
export function readIfMatch(event: ApiEvent): number | undefined {
  if (givenTwice(event)) throw badIfMatch();
  const raw = header(event.headers, "if-match")?.trim();
  if (raw === undefined || raw === "") return undefined;
  const version = strongVersion.exec(raw)?.[1];
  if (version === undefined) throw badIfMatch();
  return Number(version);
}

/** The version in `If-Match`; 428 when the client sent none. */
export function requireIfMatch(event: ApiEvent): number {
  const version = readIfMatch(event);
  if (version === undefined) throw new PreconditionRequiredError();
  return version;
}
