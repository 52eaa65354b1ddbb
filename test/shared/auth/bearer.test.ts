import { describe, expect, it } from "vitest";
import {
  BearerError,
  MAX_AUTHORIZATION_LENGTH,
  bearerFromHeaders,
  parseBearer,
} from "../../../shared/auth/bearer.js";

const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

describe("parseBearer", () => {
  it.each(["Bearer", "bearer", "BEARER", "bEaReR"])("accepts the scheme spelled %s", (scheme) => {
    expect(parseBearer(`${scheme} ${jwt}`)).toBe(jwt);
  });

  it.each([
    ["no value", undefined],
    ["an empty value", ""],
    ["the scheme alone", "Bearer"],
    ["the scheme and a space", "Bearer "],
    ["a bare token", jwt],
    ["another scheme", `Basic ${jwt}`],
    ["no space after the scheme", `Bearer${jwt}`],
    ["a tab instead of a space", `Bearer\t${jwt}`],
    ["leading white space", ` Bearer ${jwt}`],
    ["a trailing space", `Bearer ${jwt} `],
    ["a trailing newline", `Bearer ${jwt}\n`],
    ["text after the token", `Bearer ${jwt} extra`],
    ["two tokens", `Bearer ${jwt} ${jwt}`],
    ["two segments", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"],
    ["four segments", `Bearer ${jwt}.c2ln`],
    ["an empty signature", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0."],
    ["base64 padding", "Bearer eyJhbGciOiJSUzI1NiJ9==.eyJzdWIiOiJ4In0.c2ln"],
    ["standard base64 characters", "Bearer eyJ+bGci/iJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["non-ASCII characters", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnä"],
  ])("refuses %s", (_, value) => {
    expect(() => parseBearer(value)).toThrow(BearerError);
  });

  it("refuses a header longer than the cap before matching it", () => {
    const long = `Bearer ${jwt}${"A".repeat(MAX_AUTHORIZATION_LENGTH)}`;

    expect(() => parseBearer(long)).toThrow("too long");
  });

  it("accepts a token right at the cap", () => {
    const token = `${jwt}${"A".repeat(MAX_AUTHORIZATION_LENGTH - "Bearer ".length - jwt.length)}`;

    expect(parseBearer(`Bearer ${token}`)).toBe(token);
  });
});

describe("bearerFromHeaders", () => {
  it("reads the header whatever the case of its name", () => {
    expect(bearerFromHeaders({ authorization: `Bearer ${jwt}` }, null)).toBe(jwt);
    expect(bearerFromHeaders({ AUTHORIZATION: `Bearer ${jwt}` }, null)).toBe(jwt);
  });

  it("refuses a request without the header", () => {
    expect(() => bearerFromHeaders({ accept: "application/json" }, null)).toThrow(BearerError);
    expect(() => bearerFromHeaders(null, null)).toThrow(BearerError);
  });

  it("refuses the header sent twice, even with the same token", () => {
    const headers = { Authorization: `Bearer ${jwt}` };
    const multi = { Authorization: [`Bearer ${jwt}`, `Bearer ${jwt}`] };

    expect(() => bearerFromHeaders(headers, multi)).toThrow("several");
  });

  it("refuses the header sent twice under differently cased names", () => {
    const multi = { Authorization: [`Bearer ${jwt}`], authorization: [`Bearer ${jwt}`] };

    expect(() => bearerFromHeaders({ Authorization: `Bearer ${jwt}` }, multi)).toThrow("several");
  });
});
