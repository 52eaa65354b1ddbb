import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadTooLargeError } from "../../../shared/http/errors.js";
import {
  FILE_NAME_MAX,
  fileCreate,
  MAX_FILE_BYTES,
  withinSizeLimit,
} from "../../../shared/files/schemas.js";
import { parseValue } from "../../../shared/http/validation.js";

const valid = { fileName: "report.pdf", contentType: "application/pdf", size: 1024 };

function issue(data: unknown): string | undefined {
  try {
    parseValue(fileCreate, data);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("fileCreate", () => {
  it("accepts a name, a media type and a size, and stores the type in lower case", () => {
    const input = parseValue(fileCreate, { ...valid, contentType: "Image/SVG+XML" });

    expect(input).toEqual({ ...valid, contentType: "image/svg+xml" });
  });

  it.each([
    ["../../etc/passwd"],
    ["a/b\\c.txt"],
    ["%2e%2e%2f"],
    ["Übersicht 2024 (final).xlsx"],
    ["日本語.txt"],
    ["x".repeat(FILE_NAME_MAX)],
  ])("accepts the file name %j as metadata", (fileName) => {
    expect(issue({ ...valid, fileName })).toBeUndefined();
  });

  it.each([
    ["empty", "", "fileName: must be at least 1 characters"],
    ["300 characters", "x".repeat(300), `fileName: must be at most ${FILE_NAME_MAX} characters`],
    ["blank", "   ", "fileName: must contain a visible character"],
    ["only a zero-width space", "\u200b", "fileName: must contain a visible character"],
    ["with NUL", "a\u0000.txt", "fileName: must not contain control characters"],
    ["with a newline", "a\n.txt", "fileName: must be a single line"],
    ["with a tab", "a\t.txt", "fileName: must be a single line"],
    ["with DEL", "a\u007f.txt", "fileName: must not contain control characters"],
    ["with a C1 control", "a\u0085.txt", "fileName: must not contain control characters"],
    [
      "with a right-to-left override",
      "invoice\u202Efdp.exe",
      "fileName: must not contain bidirectional formatting or line separator characters",
    ],
    [
      "with a bidi isolate",
      "a\u2067b.txt",
      "fileName: must not contain bidirectional formatting or line separator characters",
    ],
    [
      "with a line separator",
      "a\u2028b.txt",
      "fileName: must not contain bidirectional formatting or line separator characters",
    ],
    ["with a lone surrogate", "a\ud800.txt", "fileName: must be valid Unicode"],
    ["a number", 42, undefined],
  ])("rejects a file name %s", (_, fileName, detail) => {
    const message = issue({ ...valid, fileName });

    expect(message).toMatch(/^fileName: /);
    if (detail !== undefined) expect(message).toBe(detail);
  });

  it.each([
    ["text/plain"],
    ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
    ["image/png"],
    ["video/mp4"],
    ["font/woff2"],
    ["model/gltf+json"],
  ])("accepts the media type %s", (contentType) => {
    expect(issue({ ...valid, contentType })).toBeUndefined();
  });

  it.each([
    [""],
    ["text"],
    ["text/"],
    ["/plain"],
    ["text/plain; charset=utf-8"],
    ["text/plain\r\nX-Injected: 1"],
    ["multipart/form-data"],
    ["message/rfc822"],
    ["x-custom/thing"],
    ["image/png/extra"],
    ["image/ png"],
    ["image/p\u0000ng"],
    ["image/pñg"],
    [`application/${"x".repeat(300)}`],
  ])("rejects the media type %j", (contentType) => {
    expect(issue({ ...valid, contentType })).toBe(
      "contentType: must be a media type such as image/png",
    );
  });

  it.each([
    ["zero", 0, "size: must be at least 1 byte"],
    ["negative", -1, "size: must be at least 1 byte"],
    ["fractional", 1.5, "size: must be a whole number of bytes"],
    ["a string", "100", "size: must be a number of bytes"],
    ["null", null, "size: must be a number of bytes"],
  ])("rejects a %s size", (_, size, detail) => {
    expect(issue({ ...valid, size })).toBe(detail);
  });

  it.each(["key", "fileId", "status", "createdAt", "pk", "sub", "owner", "bucket"])(
    "rejects the server-owned or unknown field %s",
    (field) => {
      expect(issue({ ...valid, [field]: "x" })).toBe(`${field}: is not an allowed field`);
    },
  );

  it("requires every field", () => {
    expect(issue({ fileName: "a", contentType: "text/plain" })).toBe("size: is required");
    expect(issue({ fileName: "a", size: 1 })).toBe("contentType: is required");
    expect(issue({ contentType: "text/plain", size: 1 })).toBe("fileName: is required");
  });
});

describe("withinSizeLimit", () => {
  it("lets 1 byte and exactly 10 MiB through", () => {
    expect(withinSizeLimit({ ...valid, size: 1 }).size).toBe(1);
    expect(withinSizeLimit({ ...valid, size: MAX_FILE_BYTES }).size).toBe(10 * 1024 * 1024);
  });

  it("throws 413 for any declared size over 10 MiB", () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_FILE_BYTES + 1, max: Number.MAX_SAFE_INTEGER }), (size) => {
        expect(() => withinSizeLimit({ ...valid, size })).toThrow(PayloadTooLargeError);
      }),
    );
  });
});
