/**
 * Request parsing: JSON bodies and query values checked against valibot schemas. Unknown fields
 * are rejected by the schemas themselves (`strictObject`), so mass assignment is a 400.
 */
import * as v from "valibot";
import type { ApiEvent } from "./api.js";
import { BadRequestError, UnsupportedMediaTypeError } from "./errors.js";
import { header } from "./responses.js";

const MAX_DEPTH = 10;
const NOT_AN_OBJECT = "The request body must be a JSON object.";

function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH || value === null || typeof value !== "object") return level;
  let deepest = level;
  for (const item of Object.values(value)) deepest = Math.max(deepest, depth(item, level + 1));
  return deepest;
}

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return "The request is invalid.";
  const path = v.getDotPath(first);
  return path ? `${path}: ${first.message}` : first.message;
}

/**
 * The one media type a request body may have: `application/json`, optionally with
 * `charset=utf-8` (any case, the value optionally quoted). No other parameter and no other type —
 * not `application/json-seq`, not `text/plain`, not a missing header — so a cross-site form or a
 * client that meant something else gets a 415 instead of having its body guessed at.
 */
const JSON_MEDIA_TYPE =
  /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;

/** What invalid UTF-8 becomes when API Gateway decodes a text body: U+FFFD, the replacement character. */
const REPLACEMENT_CHARACTER = "\ufffd";

function bodyText(event: ApiEvent): string | null {
  if (event.body === null) return null;
  if (!event.isBase64Encoded) {
    if (event.body.includes(REPLACEMENT_CHARACTER)) throw invalidUtf8();
    return event.body;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(event.body, "base64"));
  } catch {
    throw invalidUtf8();
  }
}

const invalidUtf8 = () => new BadRequestError("The request body is not valid UTF-8.");

/**
 * Parses `event.body` as a JSON object and validates it; any failure is a 400 with a readable
 * detail. The input policy of every write route (docs/api.md): the body must be sent as
 * `application/json` (415 otherwise); it must be valid UTF-8 — a base64 body is decoded strictly,
 * and a text body holding U+FFFD is refused, since that is what invalid bytes turn into before
 * the function sees them (send the character escaped, `\ufffd`, if it is really meant); then JSON,
 * an object, at most 10 levels deep, and the schema.
 */
export function parseBody<S extends v.GenericSchema>(event: ApiEvent, schema: S): v.InferOutput<S> {
  const contentType = header(event.headers, "content-type");
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError();
  }
  const raw = bodyText(event);
  if (raw === null || raw.trim() === "") throw new BadRequestError("The request body is empty.");
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.");
  }
  if (depth(data) > MAX_DEPTH) throw new BadRequestError("The request body is nested too deeply.");
  // Every body of this API is an object; valibot's object schemas would take an array for one.
  if (Array.isArray(data)) throw new BadRequestError(NOT_AN_OBJECT);
  return parseValue(schema, data);
}

/** Validates an already-parsed value; failures are 400s. */
export function parseValue<S extends v.GenericSchema>(schema: S, data: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (!result.success) throw new BadRequestError(describe(result.issues));
  return result.output;
}

/** A text field: no NUL or other C0/C1 control characters except tab and newlines, no lone surrogates. */
export const text = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.check((s) => s.isWellFormed(), "must be valid Unicode"),
    v.regex(
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/u,
      "must not contain control characters",
    ),
    v.minLength(min, `must be at least ${min} characters`),
    v.maxLength(max, `must be at most ${max} characters`),
  );

/** The page size of a list when `?limit=` is absent. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `?limit=` a list accepts. */
export const MAX_PAGE_SIZE = 100;

/** Reads `?limit=`: absent → the default, otherwise a whole number 1-100 given once. */
export function parseLimit(event: ApiEvent, fallback = DEFAULT_PAGE_SIZE): number {
  const many = event.multiValueQueryStringParameters?.["limit"];
  if (many && many.length > 1) throw new BadRequestError("limit: give it at most once");
  const raw = event.queryStringParameters?.["limit"];
  if (raw === undefined) return fallback;
  if (!/^[1-9]\d{0,2}$/.test(raw) || Number(raw) > MAX_PAGE_SIZE) {
    throw new BadRequestError(`limit: must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return Number(raw);
}

/**
 * A request-body schema: a JSON object with exactly `entries`. Any other key — a server-owned field
 * such as `version` or `pk`, or `__proto__` (which `JSON.parse` makes an own key) — is a 400 that
 * names it, so mass assignment cannot happen.
 */
export const bodyObject = <E extends v.ObjectEntries>(entries: E) =>
  v.strictObject(entries, (issue) => {
    if (!issue.path) return NOT_AN_OBJECT;
    return issue.expected === "never" ? "is not an allowed field" : "is required";
  });

/** Reads a query value that may be given at most once (a repeated one is ambiguous: 400). */
export function queryValue(event: ApiEvent, name: string): string | undefined {
  const many = event.multiValueQueryStringParameters?.[name];
  if (many && many.length > 1) throw new BadRequestError(`${name}: give it at most once`);
  return event.queryStringParameters?.[name];
}

/**
 * Characters that change how the text around them is displayed: bidirectional formatting
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: U+202E makes `cod.exe` show as
 * `exe.doc`) and the line and paragraph separators U+2028 and U+2029.
 */
const DISGUISING = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/**
 * Text that shows nothing: white space, format and default-ignorable characters (zero-width
 * space and joiners, U+FEFF, soft hyphen, variation selectors, Hangul fillers) and the blank
 * braille pattern.
 */
const INVISIBLE_ONLY = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/**
 * A one-line `text` — a note title, a file name, a display name: one rule shared by all of them.
 * No line breaks or tabs, none of the characters that disguise text, and at least one visible
 * character.
 */
export const line = (min: number, max: number) =>
  v.pipe(
    text(min, max),
    v.regex(/^[^\t\r\n]*$/, "must be a single line"),
    v.check(
      (s) => !DISGUISING.test(s),
      "must not contain bidirectional formatting or line separator characters",
    ),
    v.check((s) => !INVISIBLE_ONLY.test(s), "must contain a visible character"),
  );
