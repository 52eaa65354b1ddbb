import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HttpError } from "../../../shared/http/errors.js";
import { bodyObject, line, parseBody, parseValue } from "../../../shared/http/validation.js";
import { fileCreate } from "../../../shared/files/schemas.js";
import { noteCreate } from "../../../shared/notes/schemas.js";
import { apiEvent, type ApiEventOptions } from "../../fixtures/api-events.js";

const schema = bodyObject({ title: v.string() });

function refusal(options: ApiEventOptions): { status: number; detail: string } | undefined {
  try {
    parseBody(apiEvent({ method: "POST", ...options }), schema);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, detail: error.message };
  }
}

describe("parseBody", () => {
  it("returns the validated object of a JSON body, plain or base64-encoded", () => {
    const body = JSON.stringify({ title: "x" });

    const headers = { "Content-Type": "application/json" };

    expect(parseBody(apiEvent({ body, headers }), schema)).toEqual({ title: "x" });
    expect(
      parseBody(
        apiEvent({ body: Buffer.from(body).toString("base64"), isBase64Encoded: true, headers }),
        schema,
      ),
    ).toEqual({ title: "x" });
  });

  it.each([
    ["an empty array", "[]"],
    ["an array holding a valid object", '[{"title":"x"}]'],
    ["a string", '"title"'],
    ["null", "null"],
    ["a number", "42"],
    ["true", "true"],
  ])("refuses %s: the body must be a JSON object", (_, body) => {
    expect(refusal({ body, headers: { "Content-Type": "application/json" } })).toEqual({
      status: 400,
      detail: "The request body must be a JSON object.",
    });
  });

  it.each([
    ["no body", undefined, "The request body is empty."],
    ["white space", " \n", "The request body is empty."],
    ["broken JSON", '{"title":', "The request body is not valid JSON."],
  ])("refuses %s with a 400 that says so", (_, body, detail) => {
    expect(refusal({ body, headers: { "Content-Type": "application/json" } })).toEqual({
      status: 400,
      detail,
    });
  });

  it.each([
    ["application/json"],
    ["Application/JSON"],
    ["application/json; charset=utf-8"],
    ["application/json;charset=UTF-8"],
    ['application/json; charset="utf-8"'],
  ])("accepts the content type %j", (contentType) => {
    expect(refusal({ body: '{"title":"x"}', headers: { "Content-Type": contentType } })).toBe(
      undefined,
    );
  });

  it.each([
    ["no content type", {}],
    ["text/plain", { "Content-Type": "text/plain" }],
    ["application/json-seq", { "Content-Type": "application/json-seq" }],
    ["application/jsonx", { "Content-Type": "application/jsonx" }],
    ["a +json suffix type", { "Content-Type": "application/merge-patch+json" }],
    ["another charset", { "Content-Type": "application/json; charset=iso-8859-1" }],
    ["another parameter", { "Content-Type": "application/json; profile=x" }],
    ["a form", { "Content-Type": "application/x-www-form-urlencoded" }],
    ["an empty content type", { "Content-Type": "" }],
  ])("refuses a body with %s with a 415", (_, headers) => {
    expect(refusal({ body: '{"title":"x"}', headers })).toEqual({
      status: 415,
      detail: "The request body must be application/json.",
    });
  });

  it("refuses invalid UTF-8 with a 400, in a base64 body and as replaced in a text body", () => {
    const bytes = Buffer.concat([
      Buffer.from('{"title":"a'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const json = { "Content-Type": "application/json" };

    expect(
      refusal({ body: bytes.toString("base64"), isBase64Encoded: true, headers: json }),
    ).toEqual({
      status: 400,
      detail: "The request body is not valid UTF-8.",
    });
    expect(refusal({ body: bytes.toString("utf8"), headers: json })).toEqual({
      status: 400,
      detail: "The request body is not valid UTF-8.",
    });
  });

  it("keeps an escaped U+FFFD, which is valid UTF-8 on the wire", () => {
    const event = apiEvent({
      method: "POST",
      body: '{"title":"\\ufffd"}',
      headers: { "Content-Type": "application/json" },
    });

    expect(parseBody(event, schema)).toEqual({ title: "\ufffd" });
  });
});

/** The one rule of one-line text, asked of both a note title and a file name. */
describe("line (titles and file names)", () => {
  const titleIssue = (title: string) => issueOf(() => parseValue(noteCreate, { title }));
  const nameIssue = (fileName: string) =>
    issueOf(() => parseValue(fileCreate, { fileName, contentType: "text/plain", size: 1 }));

  it.each([
    [
      "a right-to-left override",
      "abc\u202Etxt.exe",
      "must not contain bidirectional formatting or line separator characters",
    ],
    [
      "a left-to-right mark",
      "a\u200Eb",
      "must not contain bidirectional formatting or line separator characters",
    ],
    [
      "an Arabic letter mark",
      "a\u061Cb",
      "must not contain bidirectional formatting or line separator characters",
    ],
    [
      "a first-strong isolate",
      "a\u2068b",
      "must not contain bidirectional formatting or line separator characters",
    ],
    [
      "a line separator",
      "a\u2028b",
      "must not contain bidirectional formatting or line separator characters",
    ],
    [
      "a paragraph separator",
      "a\u2029b",
      "must not contain bidirectional formatting or line separator characters",
    ],
    ["a newline", "a\nb", "must be a single line"],
    ["a carriage return", "a\rb", "must be a single line"],
    ["a tab", "a\tb", "must be a single line"],
    ["only a zero-width space", "\u200B", "must contain a visible character"],
    ["only zero-width joiners", "\u200D\u200C", "must contain a visible character"],
    ["only a byte-order mark", "\uFEFF", "must contain a visible character"],
    ["only a soft hyphen", "\u00AD", "must contain a visible character"],
    ["only a Hangul filler", "\u3164", "must contain a visible character"],
    ["only a blank braille pattern", "\u2800", "must contain a visible character"],
    ["only a word joiner and spaces", " \u2060 ", "must contain a visible character"],
    ["only no-break spaces", "\u00A0\u3000", "must contain a visible character"],
  ])("refuses %s the same way in a title and in a file name", (_, value, detail) => {
    expect(titleIssue(value)).toBe(`title: ${detail}`);
    expect(nameIssue(value)).toBe(`fileName: ${detail}`);
  });

  it.each([["Groceries"], ["a\u200Db"], ["日本語"], ["👩‍💻 notes"], ["ٱلعربية"]])(
    "accepts %j in both",
    (value) => {
      expect(titleIssue(value)).toBeUndefined();
      expect(nameIssue(value)).toBeUndefined();
    },
  );

  it("is one schema", () => {
    expect(line(1, 10)).toEqual(expect.objectContaining({ type: "string" }));
  });
});

function issueOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
