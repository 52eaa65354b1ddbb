/**
 * User attributes as Cognito keeps them (cognito-local 5.3.0 differs on each point):
 *
 * - Confirming a sign-up (ConfirmSignUp, AdminConfirmSignUp) verifies the address the code went
 *   to: `email_verified` becomes `true` when the pool auto-verifies email. The emulator leaves it
 *   unset, so PostConfirmation and the ID token saw no `email_verified`.
 * - `AdminListGroupsForUser` finds the user by any name Cognito accepts (the email, in a pool
 *   whose username attribute is email); the emulator compared group members with the raw input.
 * - `UpdateUserAttributes` writes only what the app client's `WriteAttributes` allows (all
 *   mutable attributes when it lists none), never `email_verified` / `phone_number_verified`,
 *   and never an email another user signs in with (AliasExistsException). When the pool lists
 *   `email` in `UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`, the new
 *   address stays pending: the code goes to the new address (CustomMessage source
 *   `CustomMessage_UpdateUserAttribute`), the old address stays the verified sign-in name until
 *   `VerifyUserAttribute` applies the change.
 * - `SignUp` of a name that exists, confirmed or not, is refused as Cognito words it for an
 *   email-username pool: "An account with the given email already exists.".
 */
import { cognitoError, emulator } from "./emulator.js";
import { decode } from "./jwt.js";
import {
  attributeOf,
  type Attribute,
  type CognitoService,
  type Context,
  type EmulatorUser,
  type Messages,
  type PoolService,
  type Target,
} from "./types.js";

const VERIFIED_FLAGS = new Set(["email_verified", "phone_number_verified"]);

const withAttribute = (attributes: Attribute[], name: string, value: string): Attribute[] => [
  ...attributes.filter((a) => a.Name !== name),
  { Name: name, Value: value },
];

function autoVerifiesEmail(pool: PoolService): boolean {
  const attributes = pool.options["AutoVerifiedAttributes"];
  return Array.isArray(attributes) && attributes.includes("email");
}

function requiresVerification(pool: PoolService, name: string): boolean {
  const settings = pool.options["UserAttributeUpdateSettings"] as
    { AttributesRequireVerificationBeforeUpdate?: string[] } | undefined;
  return settings?.AttributesRequireVerificationBeforeUpdate?.includes(name) ?? false;
}

/** Marks the user's email verified, before the emulator confirms them (and runs PostConfirmation). */
async function verifyEmailOnConfirmation(
  ctx: Context,
  pool: PoolService,
  username: unknown,
  accept: (user: EmulatorUser) => boolean,
) {
  if (typeof username !== "string" || !autoVerifiesEmail(pool)) return;
  const user = await pool.getUserByUsername(ctx, username);
  if (!user || user.UserStatus !== "UNCONFIRMED" || !attributeOf(user, "email")) return;
  if (!accept(user)) return;
  await pool.saveUser(ctx, {
    ...user,
    Attributes: withAttribute(user.Attributes, "email_verified", "true"),
  });
}

async function emailTaken(ctx: Context, pool: PoolService, email: string, self: EmulatorUser) {
  const other = await pool.getUserByUsername(ctx, email);
  return other !== null && other.Username !== self.Username;
}

/** The attribute targets Cognito treats differently from the emulator, by `x-amz-target` name. */
export function attributeTargets(
  cognito: CognitoService,
  messages: Messages,
  base: (name: string) => Target,
): Partial<Record<string, Target>> {
  return {
    ConfirmSignUp: async (ctx, req) => {
      const pool = await cognito.getUserPoolForClientId(ctx, req["ClientId"]);
      await verifyEmailOnConfirmation(
        ctx,
        pool,
        req["Username"],
        (user) => user["ConfirmationCode"] === req["ConfirmationCode"],
      );
      return base("ConfirmSignUp")(ctx, req);
    },
    AdminConfirmSignUp: async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, req["UserPoolId"]);
      await verifyEmailOnConfirmation(ctx, pool, req["Username"], () => true);
      return base("AdminConfirmSignUp")(ctx, req);
    },
    AdminListGroupsForUser: async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, req["UserPoolId"]);
      const name = typeof req["Username"] === "string" ? req["Username"] : "";
      const user = await pool.getUserByUsername(ctx, name);
      if (!user) throw cognitoError("UserNotFoundException", "User does not exist.");
      return base("AdminListGroupsForUser")(ctx, { ...req, Username: user.Username });
    },
    SignUp: async (ctx, req) => {
      try {
        return await base("SignUp")(ctx, req);
      } catch (error) {
        if ((error as { code?: unknown }).code !== "UsernameExistsException") throw error;
        const pool = await cognito.getUserPoolForClientId(ctx, req["ClientId"]);
        const usernames = pool.options["UsernameAttributes"];
        throw cognitoError(
          "UsernameExistsException",
          Array.isArray(usernames) && usernames.includes("email")
            ? "An account with the given email already exists."
            : "User already exists",
        );
      }
    },
    UpdateUserAttributes: async (ctx, req) => {
      const claims = decode(typeof req["AccessToken"] === "string" ? req["AccessToken"] : "");
      const client = await cognito.getAppClient(ctx, claims["client_id"]);
      const pool = await cognito.getUserPoolForClientId(ctx, claims["client_id"]);
      const user = await pool.getUserByUsername(ctx, String(claims["username"]));
      if (!client || !user) throw cognitoError("NotAuthorizedException", "Invalid Access Token");
      const requested = (req["UserAttributes"] ?? []) as Attribute[];
      const writable = client.WriteAttributes?.length ? new Set(client.WriteAttributes) : null;
      for (const { Name } of requested) {
        if (VERIFIED_FLAGS.has(Name) || (writable && !writable.has(Name))) {
          throw cognitoError(
            "NotAuthorizedException",
            "A client attempted to write unauthorized attribute",
          );
        }
      }
      const email = requested.find((a) => a.Name === "email")?.Value;
      const changesEmail = email !== undefined && email !== attributeOf(user, "email");
      if (changesEmail && email && (await emailTaken(ctx, pool, email, user))) {
        throw cognitoError(
          "AliasExistsException",
          "An account with the given email already exists.",
        );
      }
      if (!changesEmail || !email || !requiresVerification(pool, "email")) {
        return base("UpdateUserAttributes")(ctx, req);
      }
      const others = requested.filter((a) => a.Name !== "email");
      if (others.length > 0) {
        await base("UpdateUserAttributes")(ctx, { ...req, UserAttributes: others });
      }
      const current = (await pool.getUserByUsername(ctx, user.Username)) ?? user;
      const code = emulator.otp();
      const pending: EmulatorUser = {
        ...current,
        UnverifiedAttributeChanges: [
          { Name: "email", Value: email },
          { Name: "email_verified", Value: "false" },
        ],
        AttributeVerificationCode: code,
        UserLastModifiedDate: new Date(),
      };
      await pool.saveUser(ctx, pending);
      const delivery = { AttributeName: "email", DeliveryMedium: "EMAIL", Destination: email };
      await messages.deliver(
        ctx,
        "UpdateUserAttribute",
        client.ClientId,
        pool.options.Id,
        pending,
        code,
        req["ClientMetadata"],
        delivery,
      );
      return { CodeDeliveryDetailsList: [delivery] };
    },
  } satisfies Record<string, Target>;
}
