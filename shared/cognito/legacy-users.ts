/**
 * The legacy user store that UserMigration drains: a DynamoDB table keyed by the lower-case
 * email, each item holding a bcrypt hash. A password check answers an unknown user, a wrong
 * password and a right one in the same time (see `verifyLegacyPassword`).
 */
import bcrypt from "bcryptjs";
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../runtime/aws.js";
import { config } from "../runtime/config.js";

export interface LegacyUser {
  /** Lower-case email, the table's key. */
  email: string;
  /** bcrypt hash (`$2a$`, `$2b$` or `$2y$`). */
  passwordHash: string;
  /**
   * True when the store's owner allows this user to migrate through a password reset
   * (ForgotPassword). Everyone else migrates only by signing in with their legacy password.
   */
  resetAllowed: boolean;
}

/** The bcrypt cost of this project's store (seeds hash at it); the deployed cost is configured. */
export const LEGACY_HASH_COST = 10;

/** bcrypt reads at most 72 bytes of a password; anything longer would match by its prefix. */
export const BCRYPT_MAX_BYTES = 72;

const bcryptHash = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** The cost of a bcrypt hash (its log2 rounds). */
export function hashCost(hash: string): number {
  return Number(bcryptHash.exec(hash)?.[1] ?? Number.NaN);
}

/**
 * A hash of no known password at `cost`: comparing against it costs what comparing against a real
 * hash of that cost does. Salt and digest are fixed; nothing needs to be hashed to build it.
 */
export function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, "0")}$36V7S8wgzU45Z5LvR/.JzOQH1/trMYhSoDIRXOZIZG.eDQVbmXSaG`;
}

function toLegacyUser(item: Record<string, unknown> | undefined): LegacyUser | undefined {
  const email = item?.["email"];
  const passwordHash = item?.["passwordHash"];
  if (typeof email !== "string" || typeof passwordHash !== "string") return undefined;
  if (!bcryptHash.test(passwordHash)) return undefined;
  return { email, passwordHash, resetAllowed: item?.["resetAllowed"] === true };
}

/** The legacy user of `email` (matched case-insensitively); undefined when none or malformed. */
export async function getLegacyUser(
  email: string,
  client: DynamoDBDocumentClient = dynamo(),
  table: string = config.legacyUsersTable(),
): Promise<LegacyUser | undefined> {
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: { email: email.toLowerCase() } }),
  );
  return toLegacyUser(Item);
}

/**
 * Removes the legacy record of `email` (account deletion): a deleted account must not come back
 * by migrating again. Removing a record that is not there is not an error.
 */
export async function deleteLegacyUser(email: string): Promise<void> {
  await dynamo().send(
    new DeleteCommand({
      TableName: config.legacyUsersTable(),
      Key: { email: email.toLowerCase() },
    }),
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * True when `password` is `user`'s legacy password, in the time of one bcrypt comparison at
 * `storeCost` whatever the outcome:
 *
 * - an unknown user is compared against a dummy hash of `storeCost`;
 * - a hash of a lower cost (stores that raised their cost over the years hold several) is compared
 *   at its own cost, then the answer waits as long again as the missing rounds take: each cost
 *   step doubles bcrypt's work, so `elapsed * (2^(storeCost - cost) - 1)`. `storeCost` must be the
 *   highest cost in the store: a higher one is slower and cannot be hidden;
 *   The padding is a measured time, not a second hash, so the answer stays one comparison long;
 * - a password longer than 72 UTF-8 bytes never matches (bcrypt would compare only its first 72
 *   bytes, so a different password with the same prefix would pass); it is still compared, for
 *   the time.
 */
export async function verifyLegacyPassword(
  user: LegacyUser | undefined,
  password: string,
  storeCost: number = LEGACY_HASH_COST,
): Promise<boolean> {
  const tooLong = Buffer.byteLength(password, "utf8") > BCRYPT_MAX_BYTES;
  const hash = user?.passwordHash ?? dummyHash(storeCost);
  const cost = hashCost(hash);
  const start = performance.now();
  // Synchronous on purpose: a Lambda container serves one invocation at a time, and bcryptjs's
  // async variant adds scheduling delays that would blur the time being padded.
  const matches = bcrypt.compareSync(password, hash);
  if (cost < storeCost) {
    await sleep((performance.now() - start) * (2 ** (storeCost - cost) - 1));
  }
  return user !== undefined && matches && !tooLong;
}
