/**
 * Seeds the legacy user store (UserMigration's source) with bcrypt hashes of the given passwords,
 * at the store's cost (10). Re-running replaces the same items, so seeding is repeatable.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { hashLegacyPassword, putLegacyUser } from "../../shared/cognito/legacy-users.js";

export async function seedLegacyUsers(
  client: DynamoDBDocumentClient,
  table: string,
  users: readonly { email: string; password: string }[],
): Promise<void> {
  for (const user of users) {
    const passwordHash = await hashLegacyPassword(user.password);
    await putLegacyUser(client, table, { email: user.email, passwordHash });
  }
}
