import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BearerError,
  MAX_AUTHORIZATION_LENGTH,
  bearerFromHeaders,
  parseBearer,
} from "../../../shared/auth/bearer.js";

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("");
const segment = fc.string({ unit: fc.constantFrom(...base64url), minLength: 1, maxLength: 200 });
const jwt = fc.tuple(segment, segment, segment).map((parts) => parts.join("."));
const scheme = fc
  .array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) =>
    Array.from("bearer", (char, i) => (upper[i] ? char.toUpperCase() : char)).join(""),
  );
const spaces = fc.integer({ min: 1, max: 3 }).map((n) => " ".repeat(n));
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The parsed token, or undefined when refused; anything but a BearerError fails the test. */
function parse(value: string | undefined): string | undefined {
  try {
    return parseBearer(value);
  } catch (error) {
    expect(error).toBeInstanceOf(BearerError);
    return undefined;
  }
}

describe("parseBearer properties", () => {
  it("answers any string with a JWT-shaped token that ends it, or a BearerError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.tuple(scheme, fc.string({ maxLength: 5 }), jwt).map((parts) => parts.join("")),
        ),
        (value) => {
          const token = parse(value);
          if (token === undefined) return;
          expect(token).toMatch(jwtShape);
          expect(value.endsWith(token)).toBe(true);
          expect(value.slice(0, -token.length).trimEnd().toLowerCase()).toBe("bearer");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives back exactly the token of any well-formed header", () => {
    fc.assert(
      fc.property(scheme, spaces, jwt, (name, gap, token) => {
        expect(parseBearer(`${name}${gap}${token}`)).toBe(token);
      }),
    );
  });

  it("refuses a well-formed header with anything inserted into the token", () => {
    const intruder = fc
      .string({ minLength: 1, maxLength: 1, unit: "binary" })
      .filter((char) => !base64url.includes(char) && char !== ".");
    fc.assert(
      fc.property(jwt, intruder, fc.nat(), (token, char, at) => {
        const i = at % (token.length + 1);
        expect(parse(`Bearer ${token.slice(0, i)}${char}${token.slice(i)}`)).toBeUndefined();
      }),
    );
  });

  it("refuses a well-formed header with white space or text before or after it", () => {
    const extra = fc.oneof(
      fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0", "\u0000", ","),
      fc
        .string({ unit: fc.constantFrom(...base64url, "."), minLength: 1, maxLength: 5 })
        .map((text) => ` ${text}`),
    );
    fc.assert(
      fc.property(jwt, extra, fc.boolean(), (token, text, before) => {
        const value = before ? `${text}Bearer ${token}` : `Bearer ${token}${text}`;
        expect(parse(value)).toBeUndefined();
      }),
    );
  });

  it("refuses any token with fewer or more than three segments", () => {
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 6 }).filter((parts) => parts.length !== 3),
        (parts) => {
          expect(parse(`Bearer ${parts.join(".")}`)).toBeUndefined();
        },
      ),
    );
  });

  it("refuses any header longer than the cap, whatever it holds", () => {
    fc.assert(
      fc.property(jwt, fc.integer({ min: 1, max: 1000 }), (token, over) => {
        const padded = token + "A".repeat(MAX_AUTHORIZATION_LENGTH + over - token.length);
        expect(() => parseBearer(`Bearer ${padded}`)).toThrow("too long");
      }),
      { numRuns: 50 },
    );
  });
});

describe("bearerFromHeaders properties", () => {
  const headerName = fc
    .array(fc.boolean(), { minLength: 13, maxLength: 13 })
    .map((upper) =>
      Array.from("authorization", (char, i) => (upper[i] ? char.toUpperCase() : char)).join(""),
    );

  it("refuses the header given more than once, however its names are spelled", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, jwt), { minLength: 2, maxLength: 4 }), (given) => {
        const multi: Record<string, string[]> = {};
        for (const [name, token] of given) (multi[name] ??= []).push(`Bearer ${token}`);
        const single = Object.fromEntries(
          Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? ""]),
        );

        expect(() => bearerFromHeaders(single, multi)).toThrow(BearerError);
      }),
    );
  });

  it("reads one header under any spelling of its name", () => {
    fc.assert(
      fc.property(headerName, jwt, (name, token) => {
        const value = `Bearer ${token}`;

        expect(bearerFromHeaders({ [name]: value }, { [name]: [value] })).toBe(token);
      }),
    );
  });
});
