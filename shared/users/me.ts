/** The `/me` representation: verified identity plus the stored profile (docs/api.md). */
import type { User } from "../auth/identity.js";
import { DEFAULT_PLAN, type Profile } from "./profiles.js";
import { bodyObject, line } from "../http/validation.js";

export interface Me {
  sub: string;
  email: string | null;
  org: string | null;
  plan: string;
  groups: string[];
  profile: {
    displayName: string | null;
    createdAt: string | null;
    lastLoginAt: string | null;
    loginCount: number;
  };
}

export function toMe(user: User, profile: Profile | undefined): Me {
  const email = user.email ?? profile?.email ?? null;
  return {
    sub: user.sub,
    email,
    org: user.org ?? email?.split("@")[1] ?? null,
    plan: user.plan ?? profile?.plan ?? DEFAULT_PLAN,
    groups: user.groups,
    profile: {
      displayName: profile?.displayName ?? null,
      createdAt: profile?.createdAt ?? null,
      lastLoginAt: profile?.lastLoginAt ?? null,
      loginCount: profile?.loginCount ?? 0,
    },
  };
}

/**
 * PATCH /me: the only field a user may write in their profile. Marked pure, so a bundle that only
 * reads /me (GET) leaves the schema, and valibot with it, out.
 */
export const profileUpdate = /* @__PURE__ */ bodyObject({
  displayName: /* @__PURE__ */ line(1, 100),
});
