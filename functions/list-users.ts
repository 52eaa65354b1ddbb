import { api } from "../shared/http/api.js";
import { decodeCursor, encodeCursor } from "../shared/data/cursor.js";
import { json } from "../shared/http/responses.js";
import { requireAdmin } from "../shared/auth/identity.js";
import { isProfileCursorKey, listProfiles } from "../shared/users/profiles.js";
import { parseLimit, queryValue } from "../shared/http/validation.js";

/** GET /admin/users?limit=&cursor=: every user's profile summary, newest first (admins only). */
export const handler = api(async (event) => {
  const admin = requireAdmin(event);
  const limit = parseLimit(event);
  const start = decodeCursor(admin.sub, queryValue(event, "cursor"), isProfileCursorKey);
  const page = await listProfiles(limit, start);
  return json(200, {
    items: page.items.map(({ sub, email, status, createdAt, lastLoginAt }) => ({
      sub,
      email,
      status,
      createdAt,
      lastLoginAt,
    })),
    ...(page.lastKey && { nextCursor: encodeCursor(admin.sub, page.lastKey) }),
  });
});
