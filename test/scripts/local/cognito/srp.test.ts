/**
 * The server side of SRP against the client side of the real amazon-cognito-identity-js: both must
 * derive the same key from the same password, and a wrong password must give another key.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  N,
  isCognitoTimestamp,
  padHex,
  parseSrpA,
  passwordAuthenticationKey,
  passwordClaimSignature,
  signaturesMatch,
  startServerSession,
  SrpParameterError,
} from "../../../../scripts/local/cognito/srp.js";

/** The parts of the library's (untyped) client helpers that the test drives. */
interface ClientBigInteger {
  toString(radix: number): string;
}
interface ClientHelper {
  getLargeAValue(callback: (error: Error | null, A: ClientBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: ClientBigInteger,
    salt: ClientBigInteger,
    callback: (error: Error | null, key: Buffer) => void,
  ): void;
}
const require = createRequire(import.meta.url);
const { default: AuthenticationHelper } =
  require("amazon-cognito-identity-js/lib/AuthenticationHelper.js") as {
    default: new (poolName: string) => ClientHelper;
  };
const { default: BigInteger } = require("amazon-cognito-identity-js/lib/BigInteger.js") as {
  default: new (hex: string, radix: number) => ClientBigInteger;
};
const { default: DateHelper } = require("amazon-cognito-identity-js/lib/DateHelper.js") as {
  default: new () => { getNowString(): string };
};

const POOL_NAME = "AbCdEf123";
/** The library's pure-JS 3072-bit arithmetic takes about a second a sign-in, far more under load. */
const CLIENT_MATH = { timeout: 30_000 };
const USER_ID = "5b1c3e7a-1111-4c2d-9e8f-0123456789ab";
const PASSWORD = "Correct!horse9";

function clientKey(helper: ClientHelper, password: string, srpB: string, salt: string) {
  return new Promise<Buffer>((resolve, reject) =>
    helper.getPasswordAuthenticationKey(
      USER_ID,
      password,
      new BigInteger(srpB, 16),
      new BigInteger(salt, 16),
      (error, key) => (error ? reject(error) : resolve(Buffer.from(key))),
    ),
  );
}

function clientA(helper: ClientHelper) {
  return new Promise<string>((resolve, reject) =>
    helper.getLargeAValue((error, A) => (error ? reject(error) : resolve(A.toString(16)))),
  );
}

describe("srp", () => {
  it(
    "derives the same key as amazon-cognito-identity-js for the right password",
    CLIENT_MATH,
    async () => {
      const helper = new AuthenticationHelper(POOL_NAME);
      const A = parseSrpA(await clientA(helper));
      const server = startServerSession(POOL_NAME, USER_ID, PASSWORD);

      const expected = passwordAuthenticationKey(A, server);
      const actual = await clientKey(helper, PASSWORD, server.srpB, server.salt);

      expect(actual.toString("hex")).toBe(expected.toString("hex"));
      expect(expected).toHaveLength(16);
    },
  );

  it(
    "derives another key for a wrong password, so the signature does not match",
    CLIENT_MATH,
    async () => {
      const helper = new AuthenticationHelper(POOL_NAME);
      const A = parseSrpA(await clientA(helper));
      const server = startServerSession(POOL_NAME, USER_ID, PASSWORD);
      const secretBlock = Buffer.from("secret-block").toString("base64");
      const timestamp = new DateHelper().getNowString();

      const wrongKey = await clientKey(helper, "Wrong!horse9", server.srpB, server.salt);
      const claimed = passwordClaimSignature(wrongKey, POOL_NAME, USER_ID, secretBlock, timestamp);
      const expected = passwordClaimSignature(
        passwordAuthenticationKey(A, server),
        POOL_NAME,
        USER_ID,
        secretBlock,
        timestamp,
      );

      expect(signaturesMatch(expected, claimed)).toBe(false);
      expect(signaturesMatch(expected, expected)).toBe(true);
    },
  );

  it("pads hex as the client does: even length, 00 before a set top bit", () => {
    expect(padHex(0x14n)).toBe("14");
    expect(padHex(0xecn)).toBe("00ec");
    expect(padHex(0xabcn)).toBe("0abc");
    expect(padHex(0x8abcn)).toBe("008abc");
    expect(() => padHex(-1n)).toThrow(RangeError);
  });

  it("refuses an SRP_A that is a multiple of N or not hex", () => {
    expect(() => parseSrpA("0")).toThrow(SrpParameterError);
    expect(() => parseSrpA(N.toString(16))).toThrow(SrpParameterError);
    expect(() => parseSrpA("xyz")).toThrow(SrpParameterError);
  });

  it("accepts the client's timestamp format and nothing else", () => {
    expect(isCognitoTimestamp(new DateHelper().getNowString())).toBe(true);
    expect(isCognitoTimestamp("Tue Dec 2 04:09:06 UTC 2026")).toBe(true);
    expect(isCognitoTimestamp("Tue Dec 02 04:09:06 UTC 2026")).toBe(false);
    expect(isCognitoTimestamp("2026-12-02T04:09:06Z")).toBe(false);
  });
});
