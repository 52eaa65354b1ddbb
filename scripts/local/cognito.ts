/**
 * The Cognito user-pool emulator (cognito-local), composed through its programmatic API the way its
 * own `createDefaultServer` does, with three small wrappers that close the gaps between it and
 * Cognito (docs/local-stack.md):
 *
 * - PreAuthentication: cognito-local never calls it. `InitiateAuth` is wrapped to invoke it for a
 *   known user before the emulator checks the password, as Cognito does.
 * - PreTokenGeneration V2: cognito-local sends a V1 event and applies claims to the ID token only.
 *   The token generator is wrapped: it sends a V2 event and applies the answer to both tokens.
 * - UserMigration: Cognito gives a migrated user a `sub`; the emulator does not. The Lambda service
 *   is wrapped to add one to the trigger's answer. `ForgotPassword` of an unknown user also runs
 *   the `UserMigration_ForgotPassword` source, as in Cognito.
 * - Usernames: the emulator matches them (and email aliases) exactly; a pool with
 *   `UsernameConfiguration.CaseSensitive: false` matches them case-insensitively, as Cognito does.
 * - Failed password sign-ins: the emulator answers "Invalid password" and, for an unknown user,
 *   "User not authorized"; Cognito answers both with "Incorrect username or password." when the app
 *   client has `PreventUserExistenceErrors: ENABLED`; ForgotPassword of an unknown user then
 *   answers with a simulated delivery instead of UserNotFoundException.
 * - Sign-in flows real clients use (SRP, choice-based sign-in, GetTokensFromRefreshToken) are added
 *   around the emulator's targets by ./cognito/sign-in.ts.
 * - Managed login (the OAuth 2.0 / OIDC endpoints of a user-pool domain: authorize, token,
 *   userInfo, logout, discovery) is served on the same port by ./cognito/oauth/server.ts.
 * - TOTP MFA (./cognito/mfa.ts): the pool's EnabledMfas, AdminSetUserMFAPreference, verification
 *   that does not turn MFA on by itself, and SOFTWARE_TOKEN_MFA challenge sessions bound to the
 *   user and app client (the emulator accepted any session string).
 *
 * - Strictness (scripts/local/cognito/): SigV4 on IAM-authorized actions and one issuer in OIDC
 *   discovery (front.ts); verified access tokens on user APIs, RevokeToken / GlobalSignOut /
 *   AdminUserGlobalSignOut / AdminDisableUser with Cognito's revocation semantics (sessions.ts);
 *   the pool's password policy (passwords.ts); `email_verified` on confirmation, group look-ups
 *   by email, WriteAttributes and verified email changes (attributes.ts).
 *   docs/local-stack.md lists every difference and how it is closed.
 *
 * Triggers are invoked on serverless-offline's Lambda endpoint, so the project's own trigger
 * functions run exactly as they are bundled for AWS.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pino } from "pino";
import { emulator } from "./cognito/emulator.js";
import { attributeTargets } from "./cognito/attributes.js";
import { frontServer } from "./cognito/front.js";
import { hostedAuthOf, withHostedAuthClaims } from "./cognito/oauth/hosted-auth.js";
import { oauthEndpoints } from "./cognito/oauth/server.js";
import { decode, sign } from "./cognito/jwt.js";
import { withImmutableAttributes } from "./cognito/immutable-attributes.js";
import { withPasswordPolicy } from "./cognito/passwords.js";
import {
  sessionTargets,
  strictRefreshTokens,
  withDisabledUsersRefused,
  withSessions,
  withVerifiedAccessToken,
} from "./cognito/sessions.js";
import { signInFlows } from "./cognito/sign-in.js";
import { mfa } from "./cognito/mfa.js";
import type {
  Attribute,
  EmulatorUser,
  Json,
  LambdaService,
  PoolFactory,
  Target,
  TokenGenerator,
} from "./cognito/types.js";

/* The emulator's building blocks (scripts/local/cognito/emulator.ts pins its version). */
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call,
   @typescript-eslint/no-unsafe-member-access */
const errors = emulator.errors;
const AWS = createRequire(import.meta.url)("aws-sdk");

/** Cognito's trigger names, as in a user pool's LambdaConfig. */
export type TriggerName =
  | "PreSignUp"
  | "PostConfirmation"
  | "PreAuthentication"
  | "PostAuthentication"
  | "PreTokenGeneration"
  | "CustomMessage"
  | "UserMigration";

export interface CognitoOptions {
  port: number;
  dataDirectory: string;
  lambdaEndpoint: string;
  /** Trigger name -> serverless-offline function name. */
  triggers: Partial<Record<TriggerName, string>>;
  logFile: string;
  /** Where delivered emails/SMS go, one JSON object per line (the local "mailbox"). */
  mailFile: string;
  region: string;
  /** Told about each delivered message (npm start prints the code). */
  onMessage?: (message: DeliveredMessage) => void;
}

export interface DeliveredMessage {
  to: string;
  subject?: string;
  message?: string;
  sms?: string;
  code?: string;
}

const record = (attributes: Attribute[]): Record<string, string> =>
  Object.fromEntries(attributes.map((a) => [a.Name, a.Value ?? ""]));

/** Invokes a trigger on the Lambda endpoint; a function error becomes Cognito's validation error. */
async function invokeTrigger(
  options: CognitoOptions,
  name: TriggerName,
  event: Json,
): Promise<Json> {
  const functionName = options.triggers[name];
  if (!functionName) throw new Error(`${name} trigger not configured`);
  const response = await fetch(
    `${options.lambdaEndpoint}/2015-03-31/functions/${functionName}/invocations`,
    { method: "POST", body: JSON.stringify(event) },
  );
  const payload = (await response.json().catch(() => ({}))) as Json;
  if (response.headers.get("x-amz-function-error") || response.headers.get("x-amzn-errortype")) {
    const message =
      typeof payload["errorMessage"] === "string" ? payload["errorMessage"] : "failed";
    throw new errors.UserLambdaValidation(`${name} failed with error ${message}.`);
  }
  return payload;
}

interface ClaimsOverride {
  claimsToAddOrOverride?: Record<string, unknown>;
  claimsToSuppress?: string[];
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
}

const RESERVED = new Set([
  "acr",
  "amr",
  "aud",
  "at_hash",
  "auth_time",
  "azp",
  "cognito:username",
  "exp",
  "iat",
  "identities",
  "iss",
  "jti",
  "nbf",
  "nonce",
  "origin_jti",
  "sub",
  "token_use",
  "client_id",
  "scope",
  "username",
  "event_id",
]);

function applyOverride(token: string, override: ClaimsOverride | undefined, groups?: string[]) {
  const payload = decode(token);
  for (const [claim, value] of Object.entries(override?.claimsToAddOrOverride ?? {})) {
    if (!RESERVED.has(claim)) payload[claim] = value;
  }
  const suppressed = new Set((override?.claimsToSuppress ?? []).filter((c) => !RESERVED.has(c)));
  const kept = Object.fromEntries(
    Object.entries(payload).filter(([claim]) => !suppressed.has(claim)),
  );
  if (typeof kept["scope"] === "string" && (override?.scopesToAdd || override?.scopesToSuppress)) {
    const scopes = new Set(kept["scope"].split(" "));
    for (const scope of override.scopesToAdd ?? []) scopes.add(scope);
    for (const scope of override.scopesToSuppress ?? []) scopes.delete(scope);
    kept["scope"] = [...scopes].join(" ");
  }
  if (groups) kept["cognito:groups"] = groups;
  return sign(kept);
}

/** Wraps the emulator's token generator: a V2 PreTokenGeneration event, applied to both tokens. */
function v2TokenGenerator(options: CognitoOptions, inner: TokenGenerator): TokenGenerator {
  return {
    async generate(
      ctx: unknown,
      user: EmulatorUser,
      userGroups: string[],
      client: { ClientId: string; UserPoolId: string },
      clientMetadata: Record<string, string> | undefined,
      source: string,
    ) {
      const generated = await inner.generate(ctx, user, userGroups, client, clientMetadata, source);
      // A managed-login sign-in (./cognito/oauth/): its scopes, nonce and trigger source.
      const hosted = hostedAuthOf(ctx);
      const tokens = hosted ? withHostedAuthClaims(generated, hosted) : generated;
      if (!options.triggers.PreTokenGeneration) return tokens;
      const event = {
        version: "2",
        triggerSource: `TokenGeneration_${hosted?.source ?? source}`,
        region: options.region,
        userPoolId: client.UserPoolId,
        userName: user.Username,
        callerContext: { awsSdkVersion: "cognito-local", clientId: client.ClientId },
        request: {
          userAttributes: record(user.Attributes),
          groupConfiguration: { groupsToOverride: userGroups, iamRolesToOverride: [] },
          scopes: hosted?.scopes ?? ["aws.cognito.signin.user.admin"],
          ...(clientMetadata ? { clientMetadata } : {}),
        },
        response: { claimsAndScopeOverrideDetails: null },
      };
      const result = await invokeTrigger(options, "PreTokenGeneration", event);
      const details = (result["response"] as Json | undefined)?.[
        "claimsAndScopeOverrideDetails"
      ] as
        | {
            idTokenGeneration?: ClaimsOverride;
            accessTokenGeneration?: ClaimsOverride;
            groupOverrideDetails?: { groupsToOverride?: string[] };
          }
        | undefined;
      if (!details) return tokens;
      const groups = details.groupOverrideDetails?.groupsToOverride;
      return {
        ...tokens,
        AccessToken: applyOverride(tokens.AccessToken, details.accessTokenGeneration, groups),
        IdToken: applyOverride(tokens.IdToken, details.idTokenGeneration, groups),
      };
    },
  };
}

/** Adds the `sub` Cognito would assign to a user created by UserMigration. */
function lambdaWithMigrationSub(inner: LambdaService): LambdaService {
  return {
    enabled: (name: string) => inner.enabled(name),
    async invoke(ctx: unknown, name: string, event: Json) {
      const response = await inner.invoke(ctx, name, event);
      if (name !== "UserMigration") return response;
      const attributes = {
        ...((response["userAttributes"] as Record<string, string> | undefined) ?? {}),
      };
      attributes["sub"] ??= randomUUID();
      attributes["username"] ??= attributes["sub"];
      return { ...response, userAttributes: attributes };
    },
  };
}

/** The pool of an app client, and the user `username` names in it (null when unknown). */
async function lookUp(cognito: Json, ctx: unknown, clientId: unknown, username: string) {
  const getPool = cognito["getUserPoolForClientId"] as (c: unknown, id: unknown) => Promise<Json>;
  const pool = await getPool.call(cognito, ctx, clientId);
  const getUser = pool["getUserByUsername"] as (
    c: unknown,
    u: string,
  ) => Promise<EmulatorUser | null>;
  return { pool, user: await getUser.call(pool, ctx, username) };
}

/** The flows that start a sign-in (PreAuthentication runs at their InitiateAuth, as in Cognito). */
const SIGN_IN_FLOWS = new Set<unknown>(["USER_PASSWORD_AUTH", "USER_SRP_AUTH", "USER_AUTH"]);

/** Runs PreAuthentication for a known user before the emulator's own InitiateAuth. */
function withPreAuthentication(options: CognitoOptions, cognito: Json, target: Target): Target {
  return async (ctx, req) => {
    const params = (req["AuthParameters"] ?? {}) as Record<string, string>;
    const username = params["USERNAME"];
    if (SIGN_IN_FLOWS.has(req["AuthFlow"]) && username && options.triggers.PreAuthentication) {
      const { pool, user } = await lookUp(cognito, ctx, req["ClientId"], username);
      if (user) {
        await invokeTrigger(options, "PreAuthentication", {
          version: "1",
          triggerSource: "PreAuthentication_Authentication",
          region: options.region,
          userPoolId: (pool["options"] as Json)["Id"],
          userName: user.Username,
          callerContext: { awsSdkVersion: "cognito-local", clientId: req["ClientId"] },
          request: {
            userAttributes: record(user.Attributes),
            userNotFound: false,
            ...(req["ClientMetadata"] ? { validationData: req["ClientMetadata"] } : {}),
          },
          response: {},
        });
      }
    }
    return target(ctx, req);
  };
}

/** Runs UserMigration_ForgotPassword for a user the pool does not know yet. */
function withForgotPasswordMigration(
  options: CognitoOptions,
  cognito: Json,
  target: Target,
): Target {
  return async (ctx, req) => {
    const username = req["Username"];
    if (typeof username === "string" && options.triggers.UserMigration) {
      const { pool, user } = await lookUp(cognito, ctx, req["ClientId"], username);
      if (!user) {
        const result = await invokeTrigger(options, "UserMigration", {
          version: "1",
          triggerSource: "UserMigration_ForgotPassword",
          region: options.region,
          userPoolId: (pool["options"] as Json)["Id"],
          userName: username,
          callerContext: { awsSdkVersion: "cognito-local", clientId: req["ClientId"] },
          request: { password: "", validationData: req["ClientMetadata"] ?? {} },
          response: {},
        }).catch(() => undefined);
        const answer = (result?.["response"] ?? undefined) as Json | undefined;
        const migrated = answer?.["userAttributes"] as Record<string, string> | undefined;
        if (migrated) {
          const sub = migrated["sub"] ?? randomUUID();
          const now = new Date();
          const saveUser = pool["saveUser"] as (c: unknown, u: Json) => Promise<void>;
          await saveUser.call(pool, ctx, {
            Username: sub,
            Attributes: Object.entries({ ...migrated, sub }).map(([Name, Value]) => ({
              Name,
              Value,
            })),
            Enabled: true,
            Password: randomUUID(),
            UserCreateDate: now,
            UserLastModifiedDate: now,
            UserStatus: "RESET_REQUIRED",
            RefreshTokens: [],
          });
        }
      }
    }
    return target(ctx, req);
  };
}

type FindUser = (ctx: unknown, username: string) => Promise<EmulatorUser | null>;

/** Pools whose `UsernameConfiguration.CaseSensitive` is false find users case-insensitively. */
function caseInsensitiveUsernames(factory: PoolFactory): PoolFactory {
  return {
    async create(...args: unknown[]) {
      const pool = await factory.create(...args);
      const exact = pool.getUserByUsername.bind(pool);
      const listUsers = pool.listUsers.bind(pool);
      const findUser: FindUser = async (ctx, username) => {
        const options = pool["options"] as {
          UsernameConfiguration?: { CaseSensitive?: boolean };
          UsernameAttributes?: string[];
        };
        const user = await exact(ctx, username);
        if (user || options.UsernameConfiguration?.CaseSensitive !== false) return user;
        const wanted = username.toLowerCase();
        const aliases = new Set(options.UsernameAttributes ?? []);
        const users = await listUsers(ctx);
        return (
          users.find(
            (u) =>
              u.Username.toLowerCase() === wanted ||
              u.Attributes.some((a) => aliases.has(a.Name) && a.Value?.toLowerCase() === wanted),
          ) ?? null
        );
      };
      pool["getUserByUsername"] = findUser;
      return pool;
    },
  };
}

const INCORRECT_CREDENTIALS = "Incorrect username or password.";

async function preventsUserExistenceErrors(cognito: Json, ctx: unknown, clientId: unknown) {
  const getAppClient = cognito["getAppClient"] as (c: unknown, id: unknown) => Promise<Json | null>;
  const client = await getAppClient.call(cognito, ctx, clientId);
  return client?.["PreventUserExistenceErrors"] === "ENABLED";
}

/**
 * ForgotPassword for an unknown user as Cognito answers it when the app client prevents user
 * existence errors: a simulated delivery instead of UserNotFoundException.
 */
function withForgotPasswordExistenceHidden(cognito: Json, target: Target): Target {
  return async (ctx, req) => {
    try {
      return await target(ctx, req);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== "UserNotFoundException") throw error;
      if (!(await preventsUserExistenceErrors(cognito, ctx, req["ClientId"]))) throw error;
      const username = typeof req["Username"] === "string" ? req["Username"] : "";
      const [local = "", domain = ""] = username.split("@");
      return {
        CodeDeliveryDetails: {
          AttributeName: "email",
          DeliveryMedium: "EMAIL",
          Destination: `${local.charAt(0)}***@${domain.charAt(0)}***`,
        },
      };
    }
  };
}

/** A failed password sign-in as Cognito words it: one answer for wrong password and unknown user. */
function withUserExistenceErrorsPrevented(cognito: Json, target: Target): Target {
  return async (ctx, req) => {
    try {
      return await target(ctx, req);
    } catch (error) {
      if (req["AuthFlow"] !== "USER_PASSWORD_AUTH") throw error;
      const code = (error as { code?: unknown }).code;
      if (code === "InvalidPasswordException") {
        throw new errors.NotAuthorized(INCORRECT_CREDENTIALS);
      }
      if (code === "NotAuthorizedException" || code === "UserNotFoundException") {
        if (await preventsUserExistenceErrors(cognito, ctx, req["ClientId"])) {
          throw new errors.NotAuthorized(INCORRECT_CREDENTIALS);
        }
      }
      throw error;
    }
  };
}

/** A message sender that writes to the local mailbox file instead of sending. */
function mailbox(options: CognitoOptions) {
  const deliver = (
    _ctx: unknown,
    _user: unknown,
    destination: string,
    message: { __code?: string; emailSubject?: string; emailMessage?: string; smsMessage?: string },
  ) => {
    const delivered: DeliveredMessage = {
      to: destination,
      subject: message.emailSubject,
      message: message.emailMessage,
      sms: message.smsMessage,
      code: message.__code,
    };
    appendFileSync(options.mailFile, JSON.stringify(delivered) + "\n");
    options.onMessage?.(delivered);
    return Promise.resolve();
  };
  return { sendEmail: deliver, sendSms: deliver };
}

export interface RunningCognito {
  endpoint: string;
  issuerDomain: string;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1:`port` with the project's triggers wired. */
export async function startCognito(options: CognitoOptions): Promise<RunningCognito> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const logger = pino({ level: "warn" }, pino.destination({ dest: options.logFile, sync: true }));
  const ctx = { logger };
  const config = {
    ...emulator.DefaultConfig,
    LambdaClient: {
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      region: options.region,
      endpoint: options.lambdaEndpoint,
    },
    TriggerFunctions: Object.fromEntries(
      Object.entries(options.triggers).filter(([name]) => name !== "PreAuthentication"),
    ),
    UserPoolDefaults: { UsernameAttributes: ["email"] },
    TokenConfig: { IssuerDomain: endpoint },
    ServerConfig: { port: options.port, hostname: "127.0.0.1", development: false, https: false },
  };
  const clock = new emulator.DateClock();
  const dataStoreFactory = new emulator.StormDBDataStoreFactory(options.dataDirectory);
  const cognito = await new emulator.CognitoServiceFactoryImpl(
    options.dataDirectory,
    dataStoreFactory,
    strictRefreshTokens(
      caseInsensitiveUsernames(new emulator.UserPoolServiceFactoryImpl(clock, dataStoreFactory)),
    ),
  ).create(ctx, config.UserPoolDefaults);
  const lambda = lambdaWithMigrationSub(
    new emulator.LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
  );
  const triggers = new emulator.TriggersService(
    clock,
    cognito,
    lambda,
    new emulator.CryptoService(emulator.DefaultConfig["KMSConfig"]),
  );
  const noTokenTrigger = { enabled: () => false };
  const serviceSet = {
    clock,
    cognito,
    config,
    messages: new emulator.MessagesService(
      triggers,
      new emulator.MessageDeliveryService(mailbox(options)),
    ),
    otp: emulator.otp,
    tokenGenerator: withSessions(
      v2TokenGenerator(
        options,
        new emulator.JwtTokenGenerator(clock, noTokenTrigger, config.TokenConfig),
      ),
    ),
    triggers,
  };
  const signIn = signInFlows(cognito);
  const totp = mfa(cognito);
  const baseRouter = emulator.Router(serviceSet);
  const replaced = {
    ...sessionTargets(cognito, endpoint, baseRouter),
    ...attributeTargets(cognito, serviceSet.messages, baseRouter),
    ...totp.targets,
  };
  const router = (target: string): Target => {
    const route = withVerifiedAccessToken(
      cognito,
      endpoint,
      target,
      withPasswordPolicy(
        cognito,
        target,
        withImmutableAttributes(cognito, target, replaced[target] ?? baseRouter(target)),
      ),
    );
    if (target === "InitiateAuth") {
      return totp.initiateAuth(
        withDisabledUsersRefused(
          cognito,
          withUserExistenceErrorsPrevented(
            cognito,
            withPreAuthentication(options, cognito, signIn.initiateAuth(route)),
          ),
        ),
      );
    }
    if (target === "RespondToAuthChallenge") {
      return totp.respondToAuthChallenge(
        signIn.respondToAuthChallenge(route, baseRouter("InitiateAuth")),
      );
    }
    if (target === "GetTokensFromRefreshToken") {
      return signIn.getTokensFromRefreshToken(router("InitiateAuth"));
    }
    if (target === "ForgotPassword") {
      return withForgotPasswordExistenceHidden(
        cognito,
        withForgotPasswordMigration(options, cognito, route),
      );
    }
    return route;
  };
  const { application } = emulator.createServer(router, logger, config.ServerConfig, serviceSet);
  const oauth = oauthEndpoints({
    endpoint,
    cognito,
    context: () => ({ logger }),
    initiateAuth: router("InitiateAuth"),
    respondToAuthChallenge: router("RespondToAuthChallenge"),
  });
  const server = frontServer(application, oauth.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    endpoint,
    issuerDomain: endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
