import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  hotp,
  matchingStep,
  newSecret,
  otpauthUri,
  totp,
} from "../../../../scripts/local/cognito/totp.js";

/** RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890", "ascii"));

describe("TOTP (RFC 6238, SHA-1)", () => {
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("at %i s gives RFC 6238's %s (8 digits)", (seconds, code) => {
    expect(totp(RFC_SECRET, seconds * 1000, 8)).toBe(code);
  });

  it("gives the last 6 digits of the 8-digit value with 6 digits (RFC 4226 truncation)", () => {
    expect(totp(RFC_SECRET, 59_000)).toBe("287082");
  });

  it.each([
    [0, "755224"],
    [1, "287082"],
    [9, "520489"],
  ])("HOTP counter %i gives RFC 4226's %s", (counter, code) => {
    expect(hotp(Buffer.from("12345678901234567890", "ascii"), counter)).toBe(code);
  });

  it("accepts a code of the previous, current and next 30-second step only", () => {
    const secret = newSecret();
    const now = 1_700_000_015_000;
    const step = Math.floor(now / 30_000);
    expect(matchingStep(secret, totp(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, totp(secret, now), now)).toBe(step);
    expect(matchingStep(secret, totp(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, totp(secret, now - 60_000), now)).toBeUndefined();
    expect(matchingStep(secret, totp(secret, now + 60_000), now)).toBeUndefined();
  });

  it("refuses codes that are not six digits", () => {
    const secret = newSecret();
    for (const code of ["", "12345", "1234567", "12a456", " 123456"]) {
      expect(matchingStep(secret, code)).toBeUndefined();
    }
  });

  it("round-trips base32 and makes 160-bit secrets", () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    expect(base32Decode(newSecret())).toHaveLength(20);
    expect(() => base32Decode("not base32!")).toThrow("not base32");
  });

  it("builds the otpauth:// URI authenticator apps read", () => {
    const uri = otpauthUri("ABC", "ada@example.com", "Notes dev");
    const [path = "", query] = uri.split("?");
    expect(decodeURIComponent(path)).toBe("otpauth://totp/Notes dev:ada@example.com");
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      secret: "ABC",
      issuer: "Notes dev",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});
