/**
 * The Cognito side of an account, for the admin routes and account deletion. Every user is named
 * by their `sub`: Cognito's admin APIs accept it as the username of a pool whose usernames are
 * email addresses. Each call is idempotent, so a retried request completes what a failed one began.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognitoIdp } from "../runtime/aws.js";
import { config } from "../runtime/config.js";

/**
 * Ends every session of the user (`username`: their `sub` or pool username; a trigger passes
 * `event.userPoolId`, which it may not get from its environment): refresh tokens stop working at once, and Cognito refuses
 * their access tokens on its own APIs. API Gateway still accepts an access token already issued
 * until it expires (it checks signature and expiry, not revocation): docs/security.md.
 */
export async function signOutEverywhere(
  username: string,
  userPoolId: string = config.userPoolId(),
): Promise<void> {
  await ignoringGone(
    cognitoIdp().send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }),
    ),
  );
}

/** A user no longer in the pool has no session to end and no sign-in to change. */
async function ignoringGone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof UserNotFoundException)) throw error;
  }
}

/** Disables (or enables) sign-in in Cognito itself, on top of the profile's status. */
export async function setSignInEnabled(sub: string, enabled: boolean): Promise<void> {
  const input = { UserPoolId: config.userPoolId(), Username: sub };
  await ignoringGone(
    cognitoIdp().send(
      enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input),
    ),
  );
}

/** Deletes the user from the pool; a user already gone is not an error. */
export async function deletePoolUser(sub: string): Promise<void> {
  await ignoringGone(
    cognitoIdp().send(
      new AdminDeleteUserCommand({ UserPoolId: config.userPoolId(), Username: sub }),
    ),
  );
}

/** The `sub` of every enabled member of `group` (admins are few: a handful of pages at most). */
export async function enabledGroupMembers(group: string): Promise<string[]> {
  const subs: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cognitoIdp().send(
      new ListUsersInGroupCommand({ UserPoolId: config.userPoolId(), GroupName: group, NextToken }),
    );
    for (const user of page.Users ?? []) {
      if (user.Enabled === false) continue;
      const sub = user.Attributes?.find((attribute) => attribute.Name === "sub")?.Value;
      if (sub) subs.push(sub);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return subs;
}

/**
 * Deletes every UNCONFIRMED user created before `createdBefore`; returns how many. Their
 * confirmation codes have expired by then (Cognito's last 24 hours), so such an account can only
 * stand in the way of the address's owner (docs/security.md, "squatting").
 */
export async function deleteUnconfirmedUsers(createdBefore: Date): Promise<number> {
  let deleted = 0;
  let PaginationToken: string | undefined;
  do {
    const page = await cognitoIdp().send(
      new ListUsersCommand({
        UserPoolId: config.userPoolId(),
        Filter: 'cognito:user_status = "UNCONFIRMED"',
        PaginationToken,
      }),
    );
    for (const user of page.Users ?? []) {
      if (user.UserStatus !== "UNCONFIRMED" || !user.Username || !user.UserCreateDate) continue;
      if (user.UserCreateDate >= createdBefore) continue;
      await deletePoolUser(user.Username);
      deleted++;
    }
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return deleted;
}
