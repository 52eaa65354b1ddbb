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
 * Parses `event.body` as a JSON object and validates it; any failure is a 400 with a readable
 * detail (a body of another content type is a 415).
 */
export function parseBody<S extends v.GenericSchema>(event: ApiEvent, schema: S): v.InferOutput<S> {
  const contentType = header(event.headers, "content-type");
  if (contentType !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError();
  }
  const raw =
    event.isBase64Encoded && event.body
      ? Buffer.from(event.body, "base64").toString("utf8")
      : event.body;
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

/** A text field: no NUL or other control characters except tab and newlines, no lone surrogates. */
export const text = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.check((s) => s.isWellFormed(), "must be valid Unicode"),
    v.regex(
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u,
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

/** A one-line `text` (a title, a name): no line breaks, and not only white space. */
export const line = (min: number, max: number) =>
  v.pipe(
    text(min, max),
    v.regex(/^[^\r\n]*$/, "must be a single line"),
    v.check((s) => s.trim().length > 0, "must not be blank"),
  );
