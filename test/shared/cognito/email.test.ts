import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedEmail, parseEmail } from "../../../shared/cognito/email.js";

const allowed = ["example.com", "corp.example.net"];

describe("parseEmail", () => {
  it("parses a plain address, lower-casing only the domain", () => {
    expect(parseEmail("Ada.Lovelace+notes@Example.COM")).toEqual({
      local: "Ada.Lovelace+notes",
      domain: "example.com",
      address: "Ada.Lovelace+notes@example.com",
    });
  });

  it.each([
    ["no @", "ada.example.com"],
    ["two @", "ada@evil.com@example.com"],
    ["an @ in a quoted local part", '"ada@evil.com"@example.com'],
    ["a quoted local part", '"ada"@example.com'],
    ["a comment in the local part", "ada(comment)@example.com"],
    ["a comment after the domain", "ada@example.com(comment)"],
    ["a backslash escape", "ada\\@x@example.com"],
    ["an empty local part", "@example.com"],
    ["an empty domain", "ada@"],
    ["a leading space", " ada@example.com"],
    ["a trailing space", "ada@example.com "],
    ["a trailing newline", "ada@example.com\n"],
    ["a space inside", "ada @example.com"],
    ["a NUL", "ada@example.com\u0000"],
    ["a tab", "ada@\texample.com"],
    ["DEL", "ada@example.com\u007f"],
    ["a leading dot in the local part", ".ada@example.com"],
    ["a trailing dot in the local part", "ada.@example.com"],
    ["two dots in the local part", "a..da@example.com"],
    ["a leading dot in the domain", "ada@.example.com"],
    ["a trailing dot in the domain (FQDN form)", "ada@example.com."],
    ["two dots in the domain", "ada@example..com"],
    ["a single-label domain", "ada@localhost"],
    ["an address literal", "ada@[127.0.0.1]"],
    ["an IPv4 host", "ada@127.0.0.1"],
    ["a label starting with a hyphen", "ada@-example.com"],
    ["a label ending with a hyphen", "ada@example-.com"],
    ["an underscore in the domain", "ada@ex_ample.com"],
    ["a punycode label", "ada@xn--exmple-cua.com"],
    ["a punycode TLD", "ada@example.xn--p1ai"],
    ["a reserved ??-- label", "ada@ab--example.com"],
    ["a Cyrillic look-alike a", "ada@ex\u0430mple.com"],
    ["a Greek look-alike o", "ada@example.c\u03bfm"],
    ["the Kelvin sign, which lower-cases to k", "ada@\u212aexample.com"],
    ["full-width letters", "ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"],
    ["a full-width @", "ada\uff20example.com"],
    ["a full-width dot", "ada@example\uff0ecom"],
    ["a non-ASCII local part", "\u00e4da@example.com"],
    ["a zero-width space", "ada@exa\u200bmple.com"],
    ["a right-to-left override", "ada@\u202eexample.com"],
    ["a soft hyphen", "ada@exam\u00adple.com"],
    ["a local part over 64 characters", `${"a".repeat(65)}@example.com`],
    ["a label over 63 characters", `ada@${"a".repeat(64)}.com`],
    ["an address over 254 characters", `ada@${"a.".repeat(125)}com`],
  ])("rejects %s", (_, input) => {
    expect(parseEmail(input)).toBeUndefined();
  });

  it.each([null, undefined, 42, {}, ["ada@example.com"]])("rejects the non-string %j", (input) => {
    expect(parseEmail(input)).toBeUndefined();
  });

  it("accepts the characters RFC 5322 allows unquoted in a local part", () => {
    expect(parseEmail("a!#$%&'*+/=?^_`{|}~-z@example.com")?.domain).toBe("example.com");
  });
});

describe("allowedEmail", () => {
  it.each([
    "ada@example.com",
    "ada@EXAMPLE.COM",
    "ada@Example.Com",
    "ADA@example.com",
    "ada@corp.example.net",
    "ada@CORP.Example.NET",
  ])("allows %s", (input) => {
    expect(allowedEmail(input, allowed)).toBeDefined();
  });

  it.each([
    ["a subdomain", "ada@mail.example.com"],
    ["a parent of an allowed subdomain", "ada@example.net"],
    ["a suffix match", "ada@evilexample.com"],
    ["a prefix match", "ada@example.com.evil.io"],
    ["a substring match", "ada@myexample.community"],
    ["a hyphenated look-alike", "ada@example-com.io"],
    ["another TLD", "ada@example.co"],
    ["the allowed domain in the local part", "example.com@evil.io"],
    ["the allowed domain after a second @", "ada@evil.io@example.com"],
    ["a quoted local part hiding an @", '"ada@evil.io"@example.com'],
    ["a trailing dot", "ada@example.com."],
    ["surrounding spaces", " ada@example.com "],
    ["punycode", "ada@xn--example-9ua.com"],
    ["a look-alike", "ada@ex\u0430mple.com"],
    ["full-width characters", "ada@\uff45xample.com"],
  ])("refuses %s", (_, input) => {
    expect(allowedEmail(input, allowed)).toBeUndefined();
  });

  it("compares allowlist entries case-insensitively", () => {
    expect(allowedEmail("ada@example.com", ["Example.COM"])).toBeDefined();
  });

  it("allows nothing with an empty allowlist", () => {
    expect(allowedEmail("ada@example.com", [])).toBeUndefined();
  });
});

const localChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_-".split(""),
);
const local = fc.string({ unit: localChar, minLength: 1, maxLength: 20 });
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) =>
      Array.from(text, (char, i) => (upper[i] ? char.toUpperCase() : char.toLowerCase())).join(""),
    );
const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);

describe("allowedEmail properties", () => {
  it("allows any simple local part at any casing of an allowed domain", () => {
    fc.assert(
      fc.property(local, fc.constantFrom(...allowed).chain(anyCase), (user, domain) => {
        expect(allowedEmail(`${user}@${domain}`, allowed)?.domain).toBe(domain.toLowerCase());
      }),
    );
  });

  it("refuses an allowed domain with anything prepended or appended", () => {
    fc.assert(
      fc.property(
        local,
        fc.constantFrom(...allowed),
        label,
        fc.constantFrom("prefix", "subdomain", "suffix", "tld"),
        (user, domain, extra, where) => {
          const host = {
            prefix: `${extra}${domain}`,
            subdomain: `${extra}.${domain}`,
            suffix: `${domain}${extra}`,
            tld: `${domain}.${extra}`,
          }[where];
          expect(allowedEmail(`${user}@${host}`, allowed)).toBeUndefined();
        },
      ),
    );
  });

  it("refuses any address containing a non-ASCII or control character", () => {
    const odd = fc.oneof(
      fc.integer({ min: 0, max: 0x20 }),
      fc.constant(0x7f),
      fc.integer({ min: 0x80, max: 0xffff }).filter((code) => code < 0xd800 || code > 0xdfff),
    );
    fc.assert(
      fc.property(local, fc.constantFrom(...allowed), odd, fc.nat(), (user, domain, code, at) => {
        const address = `${user}@${domain}`;
        const position = at % (address.length + 1);
        const tampered =
          address.slice(0, position) + String.fromCharCode(code) + address.slice(position);
        expect(allowedEmail(tampered, allowed)).toBeUndefined();
      }),
    );
  });

  it("never throws, and whatever it accepts has exactly one @ and an allowed domain", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        fc.constantFrom("", "@example.com"),
        (text, tail) => {
          const email = allowedEmail(text + tail, allowed);
          if (email) {
            expect(email.address.split("@")).toHaveLength(2);
            expect(allowed).toContain(email.domain);
          }
        },
      ),
    );
  });
});
