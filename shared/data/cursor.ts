/**
 * Opaque pagination cursors bound to the caller. A cursor carries DynamoDB's LastEvaluatedKey
 * plus a digest of (caller, key); decoding recomputes the digest for the *current* caller, so
 * another user's cursor, an edited cursor or random text is a 400 — never a 500 and never a page
 * of someone else's data. The key's shape is checked by the caller-supplied guard before it is
 * handed to DynamoDB, and the partition key is always rebuilt from the caller anyway.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { BadRequestError } from "../http/errors.js";

export type CursorKey = Record<string, string>;

const MAX_CURSOR_LENGTH = 1024;

function digest(owner: string, key: CursorKey): Buffer {
  const canonical = JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(owner).update("\n").update(canonical).digest().subarray(0, 16);
}

/** Encodes a LastEvaluatedKey for `owner` (the caller's sub). */
export function encodeCursor(owner: string, key: CursorKey): string {
  const payload = { k: key, d: digest(owner, key).toString("base64url") };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function invalid(): never {
  throw new BadRequestError("cursor: is not a valid cursor for this list");
}

/**
 * Decodes `cursor` for `owner`; undefined when absent. Throws 400 unless the cursor was issued to
 * this owner and `isValidKey` accepts its key.
 */
export function decodeCursor(
  owner: string,
  cursor: string | undefined,
  isValidKey: (key: CursorKey) => boolean,
): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[\w-]+$/.test(cursor))
    invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    invalid();
  }
  if (typeof payload !== "object" || payload === null) invalid();
  const { k, d } = payload as { k?: unknown; d?: unknown };
  if (typeof d !== "string" || typeof k !== "object" || k === null || Array.isArray(k)) invalid();
  const entries = Object.entries(k);
  if (entries.length === 0 || entries.some(([, value]) => typeof value !== "string")) invalid();
  const key: CursorKey = Object.fromEntries(entries.map(([name, value]) => [name, String(value)]));
  const given = Buffer.from(d, "base64url");
  const expected = digest(owner, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) invalid();
  // Only the exact string we issue: base64url's spare bits and JSON's white space would otherwise
  // let an edited cursor decode to the same payload.
  if (encodeCursor(owner, key) !== cursor) invalid();
  if (!isValidKey(key)) invalid();
  return key;
}
