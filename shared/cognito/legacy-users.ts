/**
 * The legacy user store that UserMigration drains: a DynamoDB table keyed by the lower-case
 * email, each item holding a bcrypt hash. Password checks always cost one bcrypt comparison,
 * also when there is no such user, so "unknown user" and "wrong password" take the same time.
 */
import bcrypt from "bcryptjs";
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../runtime/aws.js";
import { config } from "../runtime/config.js";

export interface LegacyUser {
  /** Lower-case email, the table's key. */
  email: string;
  /** bcrypt hash (`$2a$`, `$2b$` or `$2y$`). */
  passwordHash: string;
}

/** The bcrypt cost of seeded hashes; the dummy hash below has the same cost, hence the same time. */
export const LEGACY_HASH_COST = 10;

/** A hash of a random value nobody knows, compared against when the user does not exist. */
const DUMMY_HASH = "$2b$10$36V7S8wgzU45Z5LvR/.JzOQH1/trMYhSoDIRXOZIZG.eDQVbmXSaG";
const bcryptHash = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

function toLegacyUser(item: Record<string, unknown> | undefined): LegacyUser | undefined {
  const email = item?.["email"];
  const passwordHash = item?.["passwordHash"];
  if (typeof email !== "string" || typeof passwordHash !== "string") return undefined;
  if (!bcryptHash.test(passwordHash)) return undefined;
  return { email, passwordHash };
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

/** Stores (or replaces) a legacy user; for seeding and tests, the triggers only read. */
export async function putLegacyUser(
  client: DynamoDBDocumentClient,
  table: string,
  user: LegacyUser,
): Promise<void> {
  await client.send(
    new PutCommand({
      TableName: table,
      Item: { email: user.email.toLowerCase(), passwordHash: user.passwordHash },
    }),
  );
}

/** A bcrypt hash of `password` at the legacy store's cost. */
export function hashLegacyPassword(password: string): Promise<string> {
  return bcrypt.hash(password, LEGACY_HASH_COST);
}

/**
 * True when `password` is `user`'s legacy password. Runs exactly one bcrypt comparison whatever
 * the outcome, against a dummy hash when `user` is undefined.
 */
export async function verifyLegacyPassword(
  user: LegacyUser | undefined,
  password: string,
): Promise<boolean> {
  const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  return user !== undefined && matches;
}
