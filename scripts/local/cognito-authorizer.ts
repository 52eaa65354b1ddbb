import { requestAuthorizer, type Verify } from "../../shared/auth/authorizer.js";
import { allow, apiResource, claimsContext } from "../../shared/auth/authorizer-policy.js";
import { verifyLocalAccessToken } from "./access-token.js";

/**
 * Local stage only: stands in for API Gateway's Cognito user-pool authorizer, which
 * serverless-offline ignores. It checks what that authorizer checks (signature, issuer, expiry,
 * `token_use` access, scope, app client) and allows the whole API, so its result could be cached;
 * handlers read the flat claims through `requireUser`.
 */
export const authorizer = (verify: Verify) =>
  requestAuthorizer(verify, (claims, methodArn) =>
    allow(claims.sub, apiResource(methodArn), claimsContext(claims)),
  );

export const handler = authorizer(verifyLocalAccessToken);
