import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { listNotes } from "../shared/notes/store.js";
import { parseLimit, queryValue } from "../shared/http/validation.js";

/** GET /notes?limit=&cursor=: the caller's notes, newest first; the cursor is bound to the caller. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const limit = parseLimit(event);
  const cursor = queryValue(event, "cursor");
  return json(200, await listNotes(user.sub, { limit, cursor }));
});
