import { api } from "../shared/api.js";
import { json } from "../shared/http.js";
import { requireUser } from "../shared/identity.js";
import { deleteNote } from "../shared/notes.js";
import { readIfMatch } from "../shared/preconditions.js";

/** DELETE /notes/{noteId}: removes the caller's note; with `If-Match`, only that version. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const expected = readIfMatch(event);
  await deleteNote(user.sub, event.pathParameters?.["noteId"], expected);
  return json(204);
});
