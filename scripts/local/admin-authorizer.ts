/**
 * Local stage only: the admin authorizer of functions/authorizers/admin.ts, verifying the
 * emulator's tokens (serverless.yml's `adminAuthorizerHandler` param points here on `local`).
 */
import { authorizer } from "../../functions/authorizers/admin.js";
import { verifyLocalAccessToken } from "./access-token.js";

export const handler = authorizer(verifyLocalAccessToken);
