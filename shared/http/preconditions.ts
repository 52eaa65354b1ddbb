/**
 * Optimistic locking over HTTP. A versioned item's ETag is its version as a strong entity tag
 * (`"3"`, see `etag()`), and `If-Match` must carry exactly one such tag. Anything else — `*`, a
 * weak tag `W/"3"`, a list, an unquoted number, the header given twice — is a 400: accepting `*`
 * or a list would let a client overwrite a version it never read.
 */
import type { ApiEvent } from "./api.js";
import { BadRequestError, PreconditionRequiredError } from "./errors.js";
import { header } from "./responses.js";

const strongVersion = /^"([1-9]\d{0,14})"$/;

function givenTwice(event: ApiEvent): boolean {
  for (const [name, values] of Object.entries(event.multiValueHeaders)) {
    if (name.toLowerCase() === "if-match" && values && values.length > 1) return true;
  }
  return false;
}

/** The version in `If-Match`, or undefined when the header is absent or empty. */
export function readIfMatch(event: ApiEvent): number | undefined {
  const raw = header(event.headers, "if-match")?.trim();
  if (raw === undefined || raw === "") return undefined;
  const version = strongVersion.exec(raw)?.[1];
  if (version === undefined || givenTwice(event)) {
    throw new BadRequestError('If-Match: must be the one ETag you last read, such as "3"');
  }
  return Number(version);
}

/** The version in `If-Match`; 428 when the client sent none. */
export function requireIfMatch(event: ApiEvent): number {
  const version = readIfMatch(event);
  if (version === undefined) throw new PreconditionRequiredError();
  return version;
}
