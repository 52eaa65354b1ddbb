import fc from "fast-check";
import type * as v from "valibot";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../shared/http/errors.js";
import { FILE_NAME_MAX, fileCreate } from "../../../shared/files/schemas.js";
import { profileUpdate } from "../../../shared/users/me.js";
import { BODY_MAX, TITLE_MAX, noteCreate, noteReplace } from "../../../shared/notes/schemas.js";
import { parseValue } from "../../../shared/http/validation.js";

/** Every request-body schema, with a valid body for it. */
const schemas: [string, v.GenericSchema, Record<string, unknown>][] = [
  ["POST /notes", noteCreate, { title: "t", body: "b" }],
  ["PUT /notes/{noteId}", noteReplace, { title: "t", body: "b" }],
  ["POST /files", fileCreate, { fileName: "a.txt", contentType: "text/plain", size: 1 }],
  ["PATCH /me", profileUpdate, { displayName: "Ada" }],
];

/** The parsed value, or the 400's detail; anything else thrown fails the test. */
function parse(schema: v.GenericSchema, data: unknown): { value: unknown } | { detail: string } {
  try {
    return { value: parseValue(schema, data) };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return { detail: (error as BadRequestError).message };
  }
}

/** As the body arrives: through JSON, which keeps `__proto__` as an own key. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const extraKey = (allowed: string[]) =>
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "version",
        "pk",
        "sk",
        "sub",
        "owner",
        "role",
        "createdAt",
        "toString",
        "hasOwnProperty",
      ),
    )
    .filter((key) => !allowed.includes(key));

describe.each(schemas)("the %s body schema", (_, schema, valid) => {
  const allowed = Object.keys(valid);

  it("refuses a valid body with any extra key, naming the key", () => {
    fc.assert(
      fc.property(extraKey(allowed), fc.jsonValue(), (key, value) => {
        const body = wire({ ...valid, [key]: value });

        expect(parse(schema, body)).toEqual({ detail: `${key}: is not an allowed field` });
      }),
    );
  });

  it("answers any JSON value with a 400 or with only the allowed fields", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(fc.constantFrom(...allowed, "extra"), fc.jsonValue()),
        ),
        (data) => {
          const result = parse(schema, wire(data));
          if ("value" in result) {
            expect(Object.keys(result.value as object).every((k) => allowed.includes(k))).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Characters an attacker likes: controls, line breaks, bidi overrides, lone surrogates, emoji. */
const char = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u200d",
    "\u3164",
    "\u2800",
    " ",
    "/",
    "\\",
    ".",
    "%",
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const hostile = (maxLength: number) =>
  fc.oneof(
    fc.array(char, { maxLength: 12 }).map((chars) => chars.join("")),
    fc.tuple(fc.string({ maxLength: 4 }), fc.nat(maxLength + 20)).map(([s, n]) => s.repeat(n)),
  );

/* eslint-disable no-control-regex -- finding control characters is the point */
const controlsExceptTabAndBreaks = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const breaksAndTabs = /[\t\r\n]/;
/* eslint-enable no-control-regex */
const disguising = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const invisible = /[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** An independent statement of the one-line text rule of docs/api.md (titles, names). */
function isLine(s: string, max: number): boolean {
  return (
    s.length >= 1 &&
    s.length <= max &&
    s.isWellFormed() &&
    !controlsExceptTabAndBreaks.test(s) &&
    !breaksAndTabs.test(s) &&
    !disguising.test(s) &&
    Array.from(s).some((c) => !invisible.test(c))
  );
}

describe("text fields against the rules", () => {
  it("accepts a note title exactly when it is a valid line of 1-200 characters", () => {
    fc.assert(
      fc.property(hostile(TITLE_MAX), (title) => {
        const result = parse(noteCreate, { title });

        expect("value" in result).toBe(isLine(title, TITLE_MAX));
        if ("value" in result) expect(result.value).toEqual({ title, body: "" });
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts a note body exactly when it is valid text of at most 10,000 characters", () => {
    fc.assert(
      fc.property(hostile(BODY_MAX), fc.nat(BODY_MAX + 10), (text, pad) => {
        const body = text + "x".repeat(pad);
        const ok =
          body.length <= BODY_MAX && body.isWellFormed() && !controlsExceptTabAndBreaks.test(body);

        expect("value" in parse(noteReplace, { title: "t", body })).toBe(ok);
      }),
      { numRuns: 1000 },
    );
  });

  it("accepts a display name exactly when it is a valid line of 1-100 characters", () => {
    fc.assert(
      fc.property(hostile(100), (displayName) => {
        expect("value" in parse(profileUpdate, { displayName })).toBe(isLine(displayName, 100));
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts a file name exactly when it is a valid line of 1-255 characters", () => {
    fc.assert(
      fc.property(hostile(FILE_NAME_MAX), (fileName) => {
        const result = parse(fileCreate, { fileName, contentType: "text/plain", size: 1 });
        const ok = isLine(fileName, FILE_NAME_MAX);

        expect("value" in result).toBe(ok);
        if ("value" in result) expect(result.value).toMatchObject({ fileName });
      }),
      { numRuns: 3000 },
    );
  });
});
