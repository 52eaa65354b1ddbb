/**
 * The local seed users: an admin (signed up and confirmed through the Cognito emulator, so the
 * triggers fire as for any user, then added to `admins`) and a legacy user who exists only in the
 * legacy user store, so that their first sign-in runs the UserMigration trigger.
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import bcrypt from "bcryptjs";
import { LEGACY_HASH_COST, type LegacyUser } from "../../shared/cognito/legacy-users.js";

/** Demo credentials of the local seed users (local stack only; also in docs/local-stack.md). */
export const SEED = {
  admin: { email: "admin@example.com", password: "Admin!pass123" },
  legacyUser: { email: "legacy@example.com", password: "Legacy!pass123" },
} as const;

/** A bcrypt hash of `password` at `cost` (default: the store's cost), as a legacy store holds. */
function hashLegacyPassword(password: string, cost = LEGACY_HASH_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** Stores (or replaces) a legacy user (the triggers only read the store). */
async function putLegacyUser(
  client: DynamoDBDocumentClient,
  table: string,
  user: Pick<LegacyUser, "email" | "passwordHash"> & { resetAllowed?: boolean },
): Promise<void> {
  await client.send(
    new PutCommand({
      TableName: table,
      Item: {
        email: user.email.toLowerCase(),
        passwordHash: user.passwordHash,
        ...(user.resetAllowed === true ? { resetAllowed: true } : {}),
      },
    }),
  );
}

export interface LegacySeed {
  email: string;
  password: string;
  /** bcrypt cost of this user's hash (older records of a store have cheaper ones). */
  cost?: number;
  /** May migrate through ForgotPassword (see triggers/user-migration.ts). */
  resetAllowed?: boolean;
}

/**
 * Seeds the legacy user store (UserMigration's source) with bcrypt hashes of the given passwords,
 * at the store's cost (10) unless a user names another. Re-running replaces the same items, so
 * seeding is repeatable.
 */
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

/** Signs up and confirms the admin (triggers fire as for any user), then adds it to `admins`. */
export async function seedAdmin(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
): Promise<void> {
  const { email, password } = SEED.admin;
  try {
    await client.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "UsernameExistsException") throw error;
  }
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: email,
      GroupName: "admins",
    }),
  );
}
