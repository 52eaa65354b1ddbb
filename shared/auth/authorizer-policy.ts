/**
 * Lambda-authorizer results. API Gateway caches a result per token (identity source) for the TTL
 * and applies it to every route behind the same authorizer, so a policy naming only the route it
 * was computed for would 403 the caller's next route. Policies here therefore name API-wide
 * resources built from the method ARN's API id and stage, never the method or path of the request.
 */
import type { APIGatewayAuthorizerResult, PolicyDocument } from "aws-lambda";
import type { AccessClaims } from "./access-token.js";

export type Effect = "Allow" | "Deny";

/** Flat authorizer context: API Gateway only passes string, number and boolean values on. */
export type AuthorizerContext = Record<string, string>;

/**
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<pathPattern>` for the API and stage of
 * `methodArn`; `pathPattern` is matched against `<METHOD>/<path>`, and its default `*` covers the
 * whole API. Offline's method ARNs hold fake account and API ids, so these are taken, not assumed.
 */
export function apiResource(methodArn: string, pathPattern = "*"): string {
  const [api, stage] = methodArn.split("/");
  if (!api?.startsWith("arn:") || !stage) throw new Error("Not an execute-api method ARN");
  return `${api}/${stage}/${pathPattern}`;
}

function document(effect: Effect, resource: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: effect, Action: "execute-api:Invoke", Resource: resource }],
  };
}

/** An Allow on `resource` carrying `context` to the integration. */
export function allow(
  principalId: string,
  resource: string,
  context: AuthorizerContext,
): APIGatewayAuthorizerResult {
  return { principalId, policyDocument: document("Allow", resource), context };
}

/** An explicit Deny on `resource`: API Gateway answers 403. */
export function deny(principalId: string, resource: string): APIGatewayAuthorizerResult {
  return { principalId, policyDocument: document("Deny", resource) };
}

/** The claims handlers may read, flattened (groups comma-joined; absent claims left out). */
export function claimsContext(claims: AccessClaims): AuthorizerContext {
  const context: AuthorizerContext = {
    sub: claims.sub,
    username: claims.username,
    groups: claims.groups.join(","),
  };
  if (claims.email !== undefined) context["email"] = claims.email;
  if (claims.org !== undefined) context["org"] = claims.org;
  if (claims.plan !== undefined) context["plan"] = claims.plan;
  return context;
}
