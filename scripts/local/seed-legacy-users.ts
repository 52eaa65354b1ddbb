/**
 * Seeds the legacy user store (UserMigration's source) with bcrypt hashes of the given passwords,
 * at the store's cost (10) unless a user names another. Re-running replaces the same items, so
 * seeding is repeatable.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { hashLegacyPassword, putLegacyUser } from "../../shared/cognito/legacy-users.js";

export interface LegacySeed {
  email: string;
  password: string;
  /** bcrypt cost of this user's hash (older records of a store have cheaper ones). */
  cost?: number;
  /** May migrate through ForgotPassword (see triggers/user-migration.ts). */
  resetAllowed?: boolean;
}

export async function seedLegacyUsers(
  client: DynamoDBDocumentClient,
  table: string,
  users: readonly LegacySeed[],
): Promise<void> {
  for (const user of users) {
    const passwordHash = await hashLegacyPassword(user.password, user.cost);
    await putLegacyUser(client, table, {
      email: user.email,
      passwordHash,
      resetAllowed: user.resetAllowed,
    });
  }
}
