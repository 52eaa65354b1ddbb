/**
 * Managed login in the packaged template: a prefix domain per stage inside Cognito's rules,
 * managed login version 2 with a branding style, the app client's code + PKCE settings with the
 * scope every authorizer requires, and Google sign-in only on a stage that turns it on, its
 * credentials read by CloudFormation from SSM and Secrets Manager.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolve as resolveIntrinsics } from "../../scripts/local/cognito/oauth/intrinsics.js";
import { REQUIRED_SCOPE } from "../../shared/auth/access-token.js";
import {
  DEPLOY_SETTINGS,
  ofType,
  packageStage,
  printStage,
  type Template,
} from "../support/template.js";

const ACCOUNT = "123456789012";
/** Cognito's pattern for a domain prefix (CreateUserPoolDomain), and its reserved words. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_WORDS = ["aws", "amazon", "cognito"];

/** The domain prefix CloudFormation would build in account ACCOUNT. */
function domainPrefix(template: Template): string {
  const domain = template.Resources["UserPoolDomain"]?.Properties["Domain"] as {
    "Fn::Join": [string, unknown[]];
  };
  const [separator, parts] = domain["Fn::Join"];
  return parts
    .map((part) =>
      typeof part === "object" && part !== null && "Ref" in part && part.Ref === "AWS::AccountId"
        ? ACCOUNT
        : part,
    )
    .join(separator);
}

function client(template: Template): Record<string, unknown> {
  const properties = template.Resources["UserPoolClient"]?.Properties;
  if (!properties) throw new Error("no UserPoolClient");
  return properties;
}

describe("managed login (packaged dev template)", () => {
  let template: Template;
  let google: Template;
  const dirs: string[] = [];

  beforeAll(async () => {
    const plain = await packageStage("dev");
    const withGoogle = await packageStage("dev", { ...DEPLOY_SETTINGS, GOOGLE_SIGN_IN: "true" });
    template = plain.template;
    google = withGoogle.template;
    dirs.push(plain.dir, withGoogle.dir);
  }, 240_000);

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("gives the pool one prefix domain, unique per account and stage, in Cognito's rules", () => {
    const domains = ofType(template, "AWS::Cognito::UserPoolDomain");

    const prefix = domainPrefix(template);

    expect(domains).toHaveLength(1);
    expect(domains[0]?.[1].Properties["UserPoolId"]).toEqual({ Ref: "UserPool" });
    expect(prefix).toBe(`login-dev-${ACCOUNT}`);
    expect(prefix).toMatch(DOMAIN_PREFIX);
    for (const word of RESERVED_WORDS) expect(prefix).not.toContain(word);
    expect(template.Outputs["AuthDomain"]).toBeDefined();
  });

  it("serves managed login (version 2) with Cognito's branding style for the app client", () => {
    const [[, branding] = []] = ofType(template, "AWS::Cognito::ManagedLoginBranding");

    expect(template.Resources["UserPoolDomain"]?.Properties["ManagedLoginVersion"]).toBe(2);
    expect(branding?.Properties).toEqual({
      UserPoolId: { Ref: "UserPool" },
      ClientId: { Ref: "UserPoolClient" },
      UseCognitoProvidedValues: true,
    });
  });

  it("allows only the authorization code flow, with the stage's callback and sign-out URLs", () => {
    const { UserPoolId: _pool, ...declared } = client(template);
    const properties = resolveIntrinsics(declared, template.Conditions ?? {}) as Record<
      string,
      unknown
    >;

    expect(properties["AllowedOAuthFlowsUserPoolClient"]).toBe(true);
    expect(properties["AllowedOAuthFlows"]).toEqual(["code"]);
    expect(properties["CallbackURLs"]).toEqual([DEPLOY_SETTINGS.OAUTH_CALLBACK_URLS]);
    expect(properties["LogoutURLs"]).toEqual([DEPLOY_SETTINGS.OAUTH_LOGOUT_URLS]);
    expect(properties["GenerateSecret"]).toBe(false);
  });

  it("lets a managed-login access token carry the scope every authorizer requires", () => {
    const scopes = client(template)["AllowedOAuthScopes"] as string[];
    const [[, authorizer] = []] = ofType(template, "AWS::ApiGateway::Authorizer").filter(
      ([, r]) => r.Properties["Type"] === "COGNITO_USER_POOLS",
    );
    const required = ofType(template, "AWS::ApiGateway::Method").flatMap(
      ([, method]) => (method.Properties["AuthorizationScopes"] as string[] | undefined) ?? [],
    );

    expect(authorizer).toBeDefined();
    expect(scopes).toContain("openid");
    expect(scopes).toContain(REQUIRED_SCOPE);
    for (const scope of required) expect(scopes).toContain(scope);
  });

  it("has no Google sign-in unless the stage turns it on", () => {
    const conditions = template.Conditions ?? {};
    const provider = template.Resources["GoogleIdentityProvider"] as
      { Condition?: string } | undefined;

    const providers = resolveIntrinsics(client(template)["SupportedIdentityProviders"], conditions);

    expect(providers).toEqual(["COGNITO"]);
    expect(provider?.Condition).toBe("GoogleSignIn");
    expect(resolveIntrinsics({ "Fn::If": ["GoogleSignIn", true, false] }, conditions)).toBe(false);
  });

  it("adds Google when turned on, its credentials resolved by CloudFormation, never in plain text", () => {
    const conditions = google.Conditions ?? {};
    const provider = google.Resources["GoogleIdentityProvider"];
    const details = provider?.Properties["ProviderDetails"] as Record<string, string>;

    const providers = client(google)["SupportedIdentityProviders"] as { "Fn::If": unknown[] };

    expect(resolveIntrinsics({ "Fn::If": ["GoogleSignIn", true, false] }, conditions)).toBe(true);
    expect(providers["Fn::If"][1]).toEqual(["COGNITO", { Ref: "GoogleIdentityProvider" }]);
    expect(provider?.Properties["ProviderType"]).toBe("Google");
    expect(details["client_id"]).toBe("{{resolve:ssm:/cognito-api/dev/google/client-id}}");
    expect(details["client_secret"]).toBe(
      "{{resolve:secretsmanager:cognito-api/dev/google/client-secret}}",
    );
  });
});

describe("managed login (local stage)", () => {
  it("sends the browser back to the demo page of `npm start`", async () => {
    const config = (await printStage("local")) as {
      resources: { Resources: Record<string, { Properties: Record<string, unknown> }> };
    };

    const properties = config.resources.Resources["UserPoolClient"]?.Properties ?? {};

    expect(resolveIntrinsics(properties["CallbackURLs"], {})).toEqual([
      "http://127.0.0.1:3001/demo/",
    ]);
    expect(resolveIntrinsics(properties["LogoutURLs"], {})).toEqual([
      "http://127.0.0.1:3001/demo/",
    ]);
  }, 120_000);
});
