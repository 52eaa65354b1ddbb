import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attachment } from "../../../shared/files/content-disposition.js";

function parts(header: string) {
  const match = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([^\s;"]*)$/.exec(header);
  expect(match, header).not.toBeNull();
  return { fallback: match?.[1] ?? "", encoded: match?.[2] ?? "" };
}

describe("attachment", () => {
  it("keeps a plain ASCII name in both forms", () => {
    expect(attachment("report-2024.pdf")).toBe(
      "attachment; filename=\"report-2024.pdf\"; filename*=UTF-8''report-2024.pdf",
    );
  });

  it("encodes non-ASCII names as UTF-8 and replaces them in the fallback", () => {
    expect(attachment("Übersicht ü.txt")).toBe(
      "attachment; filename=\"_bersicht _.txt\"; filename*=UTF-8''%C3%9Cbersicht%20%C3%BC.txt",
    );
  });

  it("cannot be broken out of by quotes, backslashes, semicolons or line breaks", () => {
    const { fallback, encoded } = parts(attachment('a";\\ b\r\nSet-Cookie: x=1.txt'));

    expect(fallback).toBe("a_;_ b__Set-Cookie: x=1.txt");
    expect(encoded).toBe("a%22%3B%5C%20b%0D%0ASet-Cookie%3A%20x%3D1.txt");
  });

  it("keeps path separators and percent signs out of the fallback", () => {
    const { fallback, encoded } = parts(attachment("../..\\%2e%2e/x"));

    expect(fallback).toBe(".._..__2e_2e_x");
    expect(encoded).toBe("..%2F..%5C%252e%252e%2Fx");
  });

  it("encodes characters RFC 8187 excludes from attr-char", () => {
    expect(parts(attachment("it's (1)*.txt")).encoded).toBe("it%27s%20%281%29%2A.txt");
  });

  it("round-trips any well-formed name and yields a single-line header value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 255 }), (name) => {
        const header = attachment(name);

        const { fallback, encoded } = parts(header);
        expect(decodeURIComponent(encoded)).toBe(name);
        expect(fallback).toMatch(/^[\x20-\x7e]*$/);
        expect(fallback).not.toMatch(/["\\/%]/);
      }),
    );
  });
});
