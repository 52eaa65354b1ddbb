/**
 * JWTs as the emulator issues them (RS256 with its packaged key, `kid: CognitoLocal`): signing for
 * the wrappers that change claims, and the verification Cognito applies before it accepts a token.
 */
import { createSign, createVerify } from "node:crypto";
import { emulator } from "./emulator.js";

export type Claims = Record<string, unknown>;

export function sign(payload: Claims): string {
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "CognitoLocal" }));
  const body = Buffer.from(JSON.stringify(payload));
  const input = `${header.toString("base64url")}.${body.toString("base64url")}`;
  const signature = createSign("RSA-SHA256").update(input).sign(emulator.privateKey.pem);
  return `${input}.${signature.toString("base64url")}`;
}

function part(token: string, index: number): Claims | undefined {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(token.split(".")[index] ?? "", "base64url").toString("utf8"),
    );
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Claims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The payload, unverified (for tokens this process has just signed itself). */
export function decode(token: string): Claims {
  return part(token, 1) ?? {};
}

export type Verdict = { ok: true; claims: Claims } | { ok: false; reason: "invalid" | "expired" };

/**
 * Checks what any Cognito endpoint checks first: three parts, header `alg: RS256` and the
 * emulator's `kid`, a valid signature by its key, and `exp` in the future.
 */
export function verify(token: unknown, nowSeconds = Date.now() / 1000): Verdict {
  if (typeof token !== "string") return { ok: false, reason: "invalid" };
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "invalid" };
  const header = part(token, 0);
  if (header?.["alg"] !== "RS256" || header["kid"] !== "CognitoLocal") {
    return { ok: false, reason: "invalid" };
  }
  const [head = "", body = "", signature = ""] = parts;
  const valid = createVerify("RSA-SHA256")
    .update(`${head}.${body}`)
    .verify(emulator.publicKey.pem, Buffer.from(signature, "base64url"));
  const claims = part(token, 1);
  if (!valid || !claims) return { ok: false, reason: "invalid" };
  if (typeof claims["exp"] !== "number" || claims["exp"] <= nowSeconds) {
    return { ok: false, reason: "expired" };
  }
  return { ok: true, claims };
}
