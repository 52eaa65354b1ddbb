import { requestAuthorizer, type Verify } from "../../shared/auth/authorizer.js";
import { ADMIN_GROUP } from "../../shared/auth/identity.js";
import { allow, apiResource, claimsContext, deny } from "../../shared/auth/authorizer-policy.js";
import { verifyAccessToken } from "../../shared/auth/access-token.js";

/** Every admin route, any method: `<apiId>/<stage>/<METHOD>/admin/...`. */
const ADMIN_ROUTES = "*/admin/*";

/**
 * The custom authorizer of the /admin routes (REQUEST type, identity source the Authorization
 * header, result cached per token). The decision depends only on the token, never on the route it
 * was first asked for: an admin gets an Allow on every admin route, anyone else with a valid token
 * an explicit Deny on the whole API (403), an invalid token `Unauthorized` (401).
 */
export const authorizer = (verify: Verify) =>
  requestAuthorizer(verify, (claims, methodArn) =>
    claims.groups.includes(ADMIN_GROUP)
      ? allow(claims.sub, apiResource(methodArn, ADMIN_ROUTES), claimsContext(claims))
      : deny(claims.sub, apiResource(methodArn)),
  );

export const handler = authorizer(verifyAccessToken);
