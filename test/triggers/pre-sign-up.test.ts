import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/pre-sign-up.js";
import { invoke, preSignUpEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "example.com, Corp.Example.NET");
vi.stubEnv("LEGACY_USERS_TABLE", "legacy-users");
const logs = captureLogs();
/** The legacy user store; its real behaviour is tested in test/triggers/squatting.int.test.ts. */
const legacyStore = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  legacyStore.reset();
  legacyStore.on(GetCommand).resolves({});
});

const admitting = ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"] as const;

describe("pre-sign-up", () => {
  it.each(admitting)(
    "%s: admits an allowed domain in any case, without confirming",
    async (source) => {
      for (const email of ["ada@example.com", "Ada@EXAMPLE.com", "bob@corp.example.net"]) {
        const event = preSignUpEvents[source]({ email });

        const result = await invoke(handler, event);

        expect(result.response).toEqual({
          autoConfirmUser: false,
          autoVerifyEmail: false,
          autoVerifyPhone: false,
        });
      }
    },
  );

  it.each(admitting)("%s: never confirms, even when the request asks for it", async (source) => {
    const event = preSignUpEvents[source]();
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;

    const result = await invoke(handler, event);

    expect(result.response.autoConfirmUser).toBe(false);
    expect(result.response.autoVerifyEmail).toBe(false);
  });

  it.each(admitting)(
    "%s: refuses tricky and disallowed addresses with one short message",
    async (source) => {
      const tricky = [
        "ada@gmail.com",
        "ada@mail.example.com",
        "ada@evilexample.com",
        "ada@example.com.evil.io",
        "ada@example.net",
        "ada@evil.io@example.com",
        '"ada@evil.io"@example.com',
        "ada(x)@example.com",
        "ada@ex\u0430mple.com",
        "ada@\uff45xample.com",
        "ada@xn--exmple-cua.com",
        " ada@example.com",
        "ada@example.com ",
        "ada@example.com.",
        "ada@example.com\u0000",
        "",
      ];
      for (const email of tricky) {
        await expect(invoke(handler, preSignUpEvents[source]({ email }))).rejects.toThrow(
          /^Sign-up is open only to email addresses of approved domains\.$/,
        );
      }
    },
  );

  it.each(admitting)(
    "%s: refuses an address the legacy store holds, looked up in lower case",
    async (source) => {
      legacyStore.on(GetCommand, { Key: { email: "legacy@example.com" } }).resolves({
        Item: { email: "legacy@example.com", passwordHash: `$2b$10$${"a".repeat(53)}` },
      });

      await expect(
        invoke(handler, preSignUpEvents[source]({ email: "Legacy@Example.com" })),
      ).rejects.toThrow(
        /^This address already has an account: sign in with its existing password\.$/,
      );
      await expect(
        invoke(handler, preSignUpEvents[source]({ email: "other@example.com" })),
      ).resolves.toBeDefined();
    },
  );

  it("refuses the sign-up when the legacy store cannot be read (fails closed)", async () => {
    legacyStore.on(GetCommand).rejects(new Error("service unavailable on legacy-users"));

    await expect(invoke(handler, preSignUpEvents.PreSignUp_SignUp())).rejects.toThrow(
      /^We could not create your account right now\. Please try again\.$/,
    );
  });

  it("PreSignUp_SignUp: refuses a sign-up without an email attribute", async () => {
    const event = preSignUpEvents.PreSignUp_SignUp({ attributes: { name: "Ada" } });

    await expect(invoke(handler, event)).rejects.toThrow("approved domains");
  });

  it("PreSignUp_ExternalProvider: refuses federated sign-up, even from an allowed domain", async () => {
    const event = preSignUpEvents.PreSignUp_ExternalProvider({ email: "ada@example.com" });

    await expect(invoke(handler, event)).rejects.toThrow(
      "Sign-in with an external identity provider is not available.",
    );
  });

  it("refuses a trigger source it does not know", async () => {
    const event = { ...preSignUpEvents.PreSignUp_SignUp(), triggerSource: "PreSignUp_Future" };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
    expect(logs.lines().join("\n")).toContain("PreSignUp_Future");
  });
});
