/**
 * What an admin action must check beyond the admins group, so that no admin action can lock the
 * service out: the acting admin must still be active (a disabled admin's unexpired access token
 * acts on nothing), and the last active admin cannot be disabled.
 */
import { ADMIN_GROUP, type User } from "../auth/identity.js";
import { ConflictError, ForbiddenError } from "../http/errors.js";
import { enabledGroupMembers } from "./accounts.js";
import { getProfile } from "./profiles.js";

/** Throws 403 unless the acting admin's own profile is active. */
export async function requireActive(admin: User): Promise<void> {
  const profile = await getProfile(admin.sub);
  if (profile?.status !== "active") throw new ForbiddenError("Your account is disabled.");
}

/**
 * Throws 409 when disabling `target` would leave no active admin: `target` is an admin and no
 * other enabled member of the admins group has an active profile. Two admins disabling each other
 * at the same instant can still both succeed; docs/security.md says how to recover.
 */
export async function refuseLastActiveAdmin(target: string): Promise<void> {
  const admins = await enabledGroupMembers(ADMIN_GROUP);
  if (!admins.includes(target)) return;
  const others = await Promise.all(admins.filter((sub) => sub !== target).map(getProfile));
  if (!others.some((profile) => profile?.status === "active")) {
    throw new ConflictError("The last active admin cannot be disabled.");
  }
}
