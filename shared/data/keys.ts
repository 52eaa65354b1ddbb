/**
 * The single-table layout. Every per-user item lives in the partition `USER#<sub>`, and `<sub>`
 * only ever comes from verified claims, so a user can address nothing outside their partition.
 *
 * | item    | pk          | sk              | gsi1pk    | gsi1sk                 |
 * |---------|-------------|-----------------|-----------|------------------------|
 * | profile | USER#<sub>  | PROFILE         | PROFILES  | <createdAt>#<sub>      |
 *
 * `gsi1` (the `PROFILES` index) projects keys only: see docs/architecture.md.
 * | note    | USER#<sub>  | NOTE#<noteId>   |           |                        |
 * | file    | USER#<sub>  | FILE#<fileId>   |           |                        |
 */
import { randomBytes } from "node:crypto";

export const userPk = (sub: string) => `USER#${sub}`;
/** The `<sub>` of a `USER#<sub>` partition key; undefined for anything else. */
export const subOfPk = (pk: string | undefined) =>
  pk?.startsWith("USER#") ? pk.slice("USER#".length) : undefined;
export const PROFILE_SK = "PROFILE";
export const PROFILES_INDEX = "gsi1";
export const PROFILES_GSI_PK = "PROFILES";

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A new 26-character ULID: 48 bits of milliseconds then 80 random bits, Crockford base32. Ids sort
 * by creation time, which gives "newest first" from the sort key alone.
 */
export function newId(now = Date.now()): string {
  let time = "";
  let ms = now;
  for (let i = 0; i < 10; i++) {
    time = (crockford[ms % 32] ?? "0") + time;
    ms = Math.floor(ms / 32);
  }
  const bytes = randomBytes(16);
  let random = "";
  for (let i = 0; i < 16; i++) random += crockford[(bytes[i] ?? 0) % 32] ?? "0";
  return time + random;
}

/** True for a well-formed id from `newId` (anything else cannot exist, so it is a 404). */
export function isId(value: string | undefined): value is string {
  return value !== undefined && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
