import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { BODY_MAX, noteCreate, noteReplace, TITLE_MAX } from "../../../shared/notes/schemas.js";
import { parseValue } from "../../../shared/http/validation.js";

function issue(schema: v.GenericSchema, data: unknown): string | undefined {
  try {
    parseValue(schema, data);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("noteCreate", () => {
  it("accepts a title and a body", () => {
    const input = parseValue(noteCreate, { title: "Groceries", body: "milk\n\teggs" });

    expect(input).toEqual({ title: "Groceries", body: "milk\n\teggs" });
  });

  it("defaults a missing body to an empty one", () => {
    expect(parseValue(noteCreate, { title: "Groceries" })).toEqual({
      title: "Groceries",
      body: "",
    });
  });

  it.each(["version", "createdAt", "updatedAt", "noteId", "pk", "sk", "sub", "owner", "role"])(
    "rejects the server-owned or unknown field %s",
    (field) => {
      expect(issue(noteCreate, { title: "t", [field]: "x" })).toBe(
        `${field}: is not an allowed field`,
      );
    },
  );

  it("rejects __proto__ and constructor keys coming from JSON.parse", () => {
    const proto = JSON.parse('{"title":"t","__proto__":{"role":"admin"}}') as unknown;
    const ctor = JSON.parse(
      '{"title":"t","constructor":{"prototype":{"role":"admin"}}}',
    ) as unknown;

    expect(issue(noteCreate, proto)).toBe("__proto__: is not an allowed field");
    expect(issue(noteCreate, ctor)).toBe("constructor: is not an allowed field");
    expect(({} as Record<string, unknown>)["role"]).toBeUndefined();
  });

  it("rejects any extra field whatever its name", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((key) => key !== "title" && key !== "body"),
        fc.jsonValue(),
        (key, value) => issue(noteCreate, { title: "t", [key]: value }) !== undefined,
      ),
    );
  });

  it("rejects an array instead of an object", () => {
    expect(issue(noteCreate, [{ title: "t" }])).toBe("title: is required");
    expect(issue(noteCreate, Object.assign(["x"], { title: "t" }))).toBe(
      "0: is not an allowed field",
    );
  });

  it.each([
    ["a string", "title"],
    ["null", null],
    ["a number", 42],
  ])("rejects %s instead of an object", (_, data) => {
    expect(issue(noteCreate, data)).toBe("The request body must be a JSON object.");
  });

  it("accepts titles of 1 and 200 characters and rejects 0 and 201", () => {
    expect(issue(noteCreate, { title: "x" })).toBeUndefined();
    expect(issue(noteCreate, { title: "x".repeat(TITLE_MAX) })).toBeUndefined();
    expect(issue(noteCreate, { title: "" })).toMatch(/^title: must be at least 1/);
    expect(issue(noteCreate, { title: "x".repeat(TITLE_MAX + 1) })).toMatch(
      /^title: must be at most 200/,
    );
  });

  it("accepts a body of 10,000 characters and rejects 10,001", () => {
    expect(issue(noteCreate, { title: "t", body: "b".repeat(BODY_MAX) })).toBeUndefined();
    expect(issue(noteCreate, { title: "t", body: "b".repeat(BODY_MAX + 1) })).toMatch(
      /^body: must be at most 10000/,
    );
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["BEL", "a\u0007b"],
    ["ESC", "a\u001bb"],
    ["DEL", "a\u007fb"],
  ])("rejects the control character %s in title and body", (_, value) => {
    expect(issue(noteCreate, { title: value })).toBe("title: must not contain control characters");
    expect(issue(noteCreate, { title: "t", body: value })).toBe(
      "body: must not contain control characters",
    );
  });

  it("rejects lone surrogates (invalid UTF-16) but accepts paired ones", () => {
    expect(issue(noteCreate, { title: "a\ud800b" })).toBe("title: must be valid Unicode");
    expect(issue(noteCreate, { title: "t", body: "\udfff" })).toBe("body: must be valid Unicode");
    expect(issue(noteCreate, { title: "\ud83d\udcdd notes" })).toBeUndefined();
  });

  it("rejects a title that is blank or spans lines", () => {
    expect(issue(noteCreate, { title: "   " })).toBe("title: must contain a visible character");
    expect(issue(noteCreate, { title: "one\ntwo" })).toBe("title: must be a single line");
    expect(issue(noteCreate, { title: "one\rtwo" })).toBe("title: must be a single line");
  });

  it.each([
    ["a number title", { title: 1 }],
    ["a null title", { title: null }],
    ["an array body", { title: "t", body: ["b"] }],
    ["an object title", { title: { toString: "x" } }],
  ])("rejects %s", (_, data) => {
    expect(issue(noteCreate, data)).toMatch(/^(title|body): Invalid type/);
  });

  it("names a missing title as required", () => {
    expect(issue(noteCreate, { body: "b" })).toBe("title: is required");
  });
});

describe("noteReplace", () => {
  it("accepts a title and a body", () => {
    expect(parseValue(noteReplace, { title: "t", body: "" })).toEqual({ title: "t", body: "" });
  });

  it("requires the body, so a forgotten field never erases it", () => {
    expect(issue(noteReplace, { title: "t" })).toBe("body: is required");
  });

  it.each(["version", "createdAt", "noteId", "pk", "sub"])("rejects the field %s", (field) => {
    expect(issue(noteReplace, { title: "t", body: "b", [field]: 7 })).toBe(
      `${field}: is not an allowed field`,
    );
  });
});
