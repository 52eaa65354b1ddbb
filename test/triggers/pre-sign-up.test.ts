import type { PreSignUpTriggerHandler } from "aws-lambda";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { handler } from "../../triggers/pre-sign-up.js";
import { invoke, preSignUpEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "example.com, Corp.Example.NET");
const logs = captureLogs();

const admitting = ["PreSignUp_SignUp", "PreSignUp_AdminCreateUser"] as const;

describe("pre-sign-up", () => {
  it("is a PreSignUp handler", () => {
    expectTypeOf(handler).toExtend<PreSignUpTriggerHandler>();
  });

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
