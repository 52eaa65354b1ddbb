import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type CursorKey } from "../../../shared/data/cursor.js";
import { BadRequestError } from "../../../shared/http/errors.js";

const anyKey = () => true;

/** The outcome of decoding: the key, or the 400's detail; anything else thrown fails the test. */
function decode(owner: string, cursor: string): CursorKey | string {
  try {
    return decodeCursor(owner, cursor, anyKey) ?? "absent";
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).message;
  }
}

const refused = "cursor: is not a valid cursor for this list";

const owner = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 }));
const key = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ maxLength: 60 }),
  { minKeys: 1, maxKeys: 4 },
);
const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("");

describe("decodeCursor properties", () => {
  it("answers any string with either a key or a 400, never another error", () => {
    fc.assert(
      fc.property(
        owner,
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.string({ unit: fc.constantFrom(...base64url), maxLength: 400 }),
          fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString("base64url")),
        ),
        (who, cursor) => {
          const result = decode(who, cursor);
          if (typeof result === "string") expect(result).toBe(refused);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives the owner back exactly the key it encoded", () => {
    fc.assert(
      fc.property(owner, key, (who, k) => {
        expect(decode(who, encodeCursor(who, k))).toEqual(k);
      }),
    );
  });

  it("refuses the cursor for any other owner", () => {
    fc.assert(
      fc.property(owner, owner, key, (who, other, k) => {
        fc.pre(who !== other);

        expect(decode(other, encodeCursor(who, k))).toBe(refused);
      }),
    );
  });

  it("refuses any single-character edit of a valid cursor", () => {
    fc.assert(
      fc.property(
        owner,
        key,
        fc.nat(),
        fc.constantFrom(...base64url),
        (who, k, at, replacement) => {
          const cursor = encodeCursor(who, k);
          const i = at % cursor.length;
          fc.pre(cursor[i] !== replacement);
          const edited = cursor.slice(0, i) + replacement + cursor.slice(i + 1);

          expect(decode(who, edited)).toBe(refused);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("refuses a valid cursor with characters added or removed at its end", () => {
    fc.assert(
      fc.property(
        owner,
        key,
        fc.string({ unit: fc.constantFrom(...base64url), minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (who, k, extra, cut) => {
          const cursor = encodeCursor(who, k);

          expect(decode(who, cursor + extra)).toBe(refused);
          expect(decode(who, cursor.slice(0, -cut))).toBe(refused);
        },
      ),
    );
  });

  it("refuses the same payload re-encoded in any other way", () => {
    fc.assert(
      fc.property(owner, key, fc.constantFrom(" ", "\n", "\t"), (who, k, space) => {
        const payload = JSON.parse(
          Buffer.from(encodeCursor(who, k), "base64url").toString("utf8"),
        ) as unknown;
        const respaced = Buffer.from(JSON.stringify(payload, null, space)).toString("base64url");
        const padded = `${encodeCursor(who, k)}==`;

        expect(decode(who, respaced)).toBe(refused);
        expect(decode(who, padded)).toBe(refused);
      }),
    );
  });

  it("refuses a key the caller's guard rejects, even in the caller's own cursor", () => {
    fc.assert(
      fc.property(owner, key, (who, k) => {
        expect(() => decodeCursor(who, encodeCursor(who, k), () => false)).toThrow(refused);
      }),
    );
  });
});
