import { api } from "../shared/http/api.js";
import { json } from "../shared/http/responses.js";
import { requireUser } from "../shared/auth/identity.js";
import { deleteAccount } from "../shared/users/deletion.js";

/**
 * DELETE /me: deletes the caller's account: the Cognito user, the profile, every note and file
 * (metadata and objects). 204 when done; safe to repeat, and a retry after a failure part-way
 * completes the deletion (shared/users/deletion.ts).
 */
export const handler = api(async (event) => {
  const user = requireUser(event);
  await deleteAccount(user.sub, user.email);
  return json(204);
});
