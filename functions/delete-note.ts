import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { deleteNote } from "../shared/notes/store.js";
import { readIfMatch } from "../shared/http/preconditions.js";
import { countMetric } from "../shared/runtime/metrics.js";

/** DELETE /notes/{noteId}: removes the caller's note; with `If-Match`, only that version. */
export const handler = api(async (event) => {
  const user = requireUser(event);
  const expected = readIfMatch(event);
  await deleteNote(user.sub, event.pathParameters?.["noteId"], expected);
  countMetric("NoteDeleted");
  return json(204);
});
