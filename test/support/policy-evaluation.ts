/**
 * What API Gateway decides for a method ARN under a Lambda authorizer's policy, so tests can
 * replay a cached policy against other routes. Test-only: the deployed authorizers only build
 * policies (shared/auth/authorizer-policy.ts).
 */
import type { PolicyDocument, Statement } from "aws-lambda";
import type { Effect } from "../../shared/auth/authorizer-policy.js";

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** IAM-style wildcard match: `*` is any run of characters (including `/`), `?` any one. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(value);
}

function applies(statement: Statement, methodArn: string): boolean {
  const actionOk =
    "Action" in statement
      ? list(statement.Action).some((a) => wildcardMatch(a, "execute-api:Invoke"))
      : !list(statement.NotAction).some((a) => wildcardMatch(a, "execute-api:Invoke"));
  if (!actionOk) return false;
  if ("Resource" in statement && statement.Resource !== undefined) {
    return list(statement.Resource).some((r) => wildcardMatch(r, methodArn));
  }
  if ("NotResource" in statement && statement.NotResource !== undefined) {
    return !list(statement.NotResource).some((r) => wildcardMatch(r, methodArn));
  }
  return false;
}

/**
 * What API Gateway decides for `methodArn` under `policy`: an explicit Deny wins, then any Allow,
 * otherwise the implicit Deny.
 */
export function evaluatePolicy(policy: PolicyDocument, methodArn: string): Effect {
  const matching = policy.Statement.filter((s) => applies(s, methodArn));
  if (matching.some((s) => s.Effect === "Deny")) return "Deny";
  return matching.some((s) => s.Effect === "Allow") ? "Allow" : "Deny";
}
