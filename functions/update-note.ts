import { api } from "../shared/http/api.js";
import { etag, json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { noteReplace } from "../shared/notes/schemas.js";
import { updateNote } from "../shared/notes/store.js";
import { requireIfMatch } from "../shared/http/preconditions.js";
import { parseBody } from "../shared/http/validation.js";

/**
 * PUT /notes/{noteId}: replaces title and body of the version named by `If-Match` (428 without
 * it, 412 when someone else wrote first), so concurrent editors never lose an update.
 */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const input = parseBody(event, noteReplace);
  const expected = requireIfMatch(event);
  const note = await updateNote(user.sub, event.pathParameters?.["noteId"], input, expected);
  return json(200, note, { ETag: etag(note.version) });
});
