import { describe, expect, it } from "vitest";
import { MalformedItemError, fieldsOf } from "../../../shared/data/items.js";

describe("fieldsOf", () => {
  const item = { title: "Hi", version: 3, lastLoginAt: null, status: "active" };

  it("reads fields of the expected type", () => {
    const field = fieldsOf(item, "note");

    expect(field.string("title")).toBe("Hi");
    expect(field.number("version")).toBe(3);
    expect(field.nullableString("lastLoginAt")).toBeNull();
    expect(field.nullableString("missing")).toBeNull();
    expect(field.oneOf("status", ["active", "disabled"])).toBe("active");
  });

  it.each([
    ["string", (f: ReturnType<typeof fieldsOf>) => f.string("version")],
    ["string", (f: ReturnType<typeof fieldsOf>) => f.string("missing")],
    ["number", (f: ReturnType<typeof fieldsOf>) => f.number("title")],
    ["string", (f: ReturnType<typeof fieldsOf>) => f.nullableString("version")],
    [
      "active or disabled",
      (f: ReturnType<typeof fieldsOf>) => f.oneOf("title", ["active", "disabled"]),
    ],
  ])("refuses a field that is not a %s, naming the field but not its value", (expected, read) => {
    const error = (() => {
      try {
        read(fieldsOf(item, "note"));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(MalformedItemError);
    expect(String(error)).toContain(expected);
    expect(String(error)).not.toContain("Hi");
  });

  it("refuses every field of a missing item", () => {
    expect(() => fieldsOf(undefined, "note").string("title")).toThrow(MalformedItemError);
    expect(() => fieldsOf(item, "note").number("version_")).toThrow(
      "The stored note has no number version_.",
    );
  });
});
