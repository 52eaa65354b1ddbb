/**
 * AWS Signature Version 4 as S3 checks it: the signing key derived from the secret and the
 * credential scope, the canonical request of a header- or query-signed request, and the POST
 * policy signature (which signs the base64 policy itself).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  accessDenied,
  badRequest,
  signatureMismatch,
  unknownAccessKey,
  S3Error,
} from "./errors.js";

export const ALGORITHM = "AWS4-HMAC-SHA256";
/** The longest a presigned URL may live (7 days), as in S3. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** The key pairs the emulator knows: access key id -> secret. */
export type Credentials = ReadonlyMap<string, string>;

const hmac = (key: Buffer | string, data: string) =>
  createHmac("sha256", key).update(data).digest();

/** The credential scope `<key>/<yyyymmdd>/<region>/<service>/aws4_request`, parsed. */
export interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export function parseCredential(credential: string): Scope {
  const parts = credential.split("/");
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    !accessKeyId ||
    !date ||
    !/^\d{8}$/.test(date) ||
    !region ||
    service !== "s3" ||
    terminator !== "aws4_request"
  ) {
    throw badRequest(
      "AuthorizationQueryParametersError",
      `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  return { accessKeyId, date, region, service };
}

/** The secret of `scope`'s access key; InvalidAccessKeyId for an unknown one. */
function secretOf(credentials: Credentials, scope: Scope): string {
  const secret = credentials.get(scope.accessKeyId);
  if (secret === undefined) throw unknownAccessKey(scope.accessKeyId);
  return secret;
}

function signingKey(secret: string, scope: Scope): Buffer {
  const date = hmac(`AWS4${secret}`, scope.date);
  return hmac(hmac(hmac(date, scope.region), scope.service), "aws4_request");
}

/** Constant-time comparison of two hex signatures. */
function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `X-Amz-Date` / `x-amz-date` (`yyyymmddThhmmssZ`) as a Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Verifies the signature of a POST form's base64 `policy`. */
export function verifyPolicySignature(
  credentials: Credentials,
  credential: string,
  policy: string,
  signature: string,
): void {
  const scope = parseCredential(credential);
  const expected = hmac(signingKey(secretOf(credentials, scope), scope), policy).toString("hex");
  if (!sameSignature(expected, signature)) throw signatureMismatch();
}

/** RFC 3986 encoding, as SigV4 canonical query strings use it. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const decode = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, "%20"));
  } catch {
    return text;
  }
};

/** A request as the verifier sees it. */
export interface SignedRequest {
  method: string;
  /** The path and query exactly as the client sent them. */
  url: string;
  /** Lower-case header name -> values. */
  headers: Record<string, string[] | undefined>;
}

function queryPairs(url: string): [string, string][] {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  return query
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf("=");
      return at < 0 ? [decode(pair), ""] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    });
}

function canonicalRequest(
  request: SignedRequest,
  query: [string, string][],
  signedHeaders: string[],
  payloadHash: string,
): string {
  const path = request.url.split("?")[0] ?? "/";
  const canonicalQuery = query
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers = signedHeaders
    .map((name) => {
      const values = request.headers[name] ?? [];
      return `${name}:${values.map((v) => v.trim().replace(/\s+/g, " ")).join(",")}\n`;
    })
    .join("");
  return [request.method, path, canonicalQuery, headers, signedHeaders.join(";"), payloadHash].join(
    "\n",
  );
}

function stringToSign(amzDate: string, scope: Scope, canonical: string): string {
  return [
    ALGORITHM,
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
}

function checkSignature(
  credentials: Credentials,
  scope: Scope,
  amzDate: string,
  canonical: string,
  signature: string,
): void {
  const key = signingKey(secretOf(credentials, scope), scope);
  const expected = hmac(key, stringToSign(amzDate, scope, canonical)).toString("hex");
  if (!sameSignature(expected, signature)) throw signatureMismatch();
}

const queryError = (message: string) => badRequest("AuthorizationQueryParametersError", message);

/** Verifies a presigned (query-signed) request: its parameters, its expiry, its signature. */
export function verifyPresignedUrl(
  credentials: Credentials,
  request: SignedRequest,
  now: Date,
): void {
  const all = queryPairs(request.url);
  const param = (name: string) => all.find(([k]) => k === name)?.[1];
  if (param("X-Amz-Algorithm") !== ALGORITHM) {
    throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credential = param("X-Amz-Credential");
  const amzDate = param("X-Amz-Date");
  const expires = param("X-Amz-Expires");
  const signedHeaders = param("X-Amz-SignedHeaders");
  const signature = param("X-Amz-Signature");
  if (!credential || !amzDate || !expires || !signedHeaders || !signature) {
    throw queryError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  const scope = parseCredential(credential);
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt)
    throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const seconds = Number(expires);
  if (!/^\d+$/.test(expires)) throw queryError("X-Amz-Expires should be a number");
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw queryError("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
  }
  const expiresAt = new Date(signedAt.getTime() + seconds * 1000);
  if (now > expiresAt) {
    throw new S3Error(403, "AccessDenied", "Request has expired", {
      "X-Amz-Expires": expires,
      Expires: expiresAt.toISOString(),
      ServerTime: now.toISOString(),
    });
  }
  const names = signedHeaders.split(";");
  if (!names.includes("host")) throw accessDenied("Access Denied");
  const payloadHash = param("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
  const query = all.filter(([k]) => k !== "X-Amz-Signature");
  checkSignature(
    credentials,
    scope,
    amzDate,
    canonicalRequest(request, query, names, payloadHash),
    signature,
  );
}

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
function parseAuthorization(header: string) {
  const fields = new Map(
    header
      .slice(ALGORITHM.length)
      .split(",")
      .map((part) => part.trim().split("=") as [string, string | undefined]),
  );
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!header.startsWith(`${ALGORITHM} `) || !credential || !signedHeaders || !signature) {
    throw badRequest("InvalidRequest", "The authorization header is malformed.");
  }
  return { credential, signedHeaders: signedHeaders.split(";"), signature };
}

/** How far a header-signed request's `x-amz-date` may be from the server's clock (15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Verifies a header-signed request. The payload hash is the one the client declared in
 * `x-amz-content-sha256` (the body itself is s3rver's to store; the signature covers the claim).
 */
export function verifyAuthorizationHeader(
  credentials: Credentials,
  request: SignedRequest,
  now: Date,
): void {
  const header = request.headers["authorization"]?.[0] ?? "";
  const { credential, signedHeaders, signature } = parseAuthorization(header);
  const scope = parseCredential(credential);
  const amzDate = request.headers["x-amz-date"]?.[0] ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt)
    throw accessDenied("AWS authentication requires a valid Date or x-amz-date header");
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    throw new S3Error(
      403,
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
      { RequestTime: amzDate, ServerTime: now.toISOString() },
    );
  }
  const payloadHash = request.headers["x-amz-content-sha256"]?.[0];
  if (!payloadHash) {
    throw badRequest(
      "InvalidRequest",
      "Missing required header for this request: x-amz-content-sha256",
    );
  }
  const canonical = canonicalRequest(request, queryPairs(request.url), signedHeaders, payloadHash);
  checkSignature(credentials, scope, amzDate, canonical, signature);
}
