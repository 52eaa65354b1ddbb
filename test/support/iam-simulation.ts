/**
 * IAM decisions for the policies of the packaged template, by an IAM policy simulator
 * (@cloud-copilot/iam-simulate): template references are resolved to concrete ARNs first.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";

export const ACCOUNT = "123456789012";

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

export type Context = Record<string, string | string[]>;

/**
 * `value` with Ref, Fn::GetAtt and Fn::Sub replaced by the concrete values of `references`
 * (`Ref` by name, `Fn::GetAtt` by `Name.Attribute`; `${!x}` is Fn::Sub's escape for a literal
 * `${x}`). An unknown reference throws, so a new one cannot go unchecked.
 */
export function resolveReferences(value: unknown, references: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, references));
  if (typeof value !== "object" || value === null) return value;
  const known = (name: string): string => {
    const resolved = references[name];
    if (resolved === undefined) throw new Error(`unexpected reference ${name}`);
    return resolved;
  };
  if ("Ref" in value && typeof value.Ref === "string") return known(value.Ref);
  if ("Fn::GetAtt" in value && Array.isArray(value["Fn::GetAtt"])) {
    return known(value["Fn::GetAtt"].join("."));
  }
  if ("Fn::Sub" in value && typeof value["Fn::Sub"] === "string") {
    return value["Fn::Sub"].replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, name: string) =>
      bang ? `\${${name}}` : known(name),
    );
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, resolveReferences(item, references)]),
  );
}

/**
 * The simulator's overall result (`Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`), or
 * `NotApplicable` when the action does not act on that kind of resource (`s3:GetObject` on a
 * bucket): IAM never allows those, whatever the policy says.
 */
export async function decide(
  action: string,
  resource: string,
  context: Context,
  policies: { identity?: PolicyDocument; trust?: PolicyDocument },
  principal: string,
): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: policies.identity ? [{ name: "policy", policy: policies.identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.trust ? { resourcePolicy: policies.trust } : {}),
      request: {
        action,
        principal,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: context,
      },
    },
    {},
  );
  if (response.resultType === "error") {
    if (JSON.stringify(response.errors).includes("no.resource.types")) return "NotApplicable";
    throw new Error(JSON.stringify(response.errors));
  }
  return response.overallResult;
}
