import { describe, expect, it } from "vitest";
import { BRAND } from "../../shared/cognito/messages.js";
import { handler } from "../../triggers/custom-message.js";
import {
  CODE_PARAMETER,
  USERNAME_PARAMETER,
  customMessageEvents,
  invoke,
  userAttributes,
} from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";

captureLogs();

const sources = Object.keys(customMessageEvents) as (keyof typeof customMessageEvents)[];
const count = (text: string | null, part: string) => (text ?? "").split(part).length - 1;

describe("custom-message", () => {
  it.each(sources)(
    "%s: a branded subject, email and text, each with the code once",
    async (source) => {
      const result = await invoke(handler, customMessageEvents[source]());

      expect(result.response.emailSubject).toContain(BRAND);
      expect(count(result.response.emailMessage, CODE_PARAMETER)).toBe(1);
      expect(count(result.response.smsMessage, CODE_PARAMETER)).toBe(1);
      expect(result.response.emailMessage).toContain(BRAND);
    },
  );

  it.each(sources)("%s: escapes a name holding HTML", async (source) => {
    const attributes = { ...userAttributes(), name: '<script>alert("x")</script>' };

    const result = await invoke(handler, customMessageEvents[source]({ attributes }));

    expect(result.response.emailMessage).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;",
    );
    expect(result.response.emailMessage).not.toContain("<script>");
    expect(result.response.smsMessage).not.toContain("script");
  });

  it("CustomMessage_AdminCreateUser: keeps Cognito's username placeholder", async () => {
    const result = await invoke(handler, customMessageEvents.CustomMessage_AdminCreateUser());

    expect(count(result.response.emailMessage, USERNAME_PARAMETER)).toBe(1);
    expect(count(result.response.smsMessage, USERNAME_PARAMETER)).toBe(1);
  });

  it("uses the placeholders Cognito sends, whatever they are", async () => {
    const event = customMessageEvents.CustomMessage_AdminCreateUser();
    event.request.codeParameter = "{CODE}";
    event.request.usernameParameter = "{USER}";

    const result = await invoke(handler, event);

    expect(result.response.emailMessage).toContain("{CODE}");
    expect(result.response.emailMessage).toContain("{USER}");
  });

  it("greets by given_name when there is no name", async () => {
    const attributes = { ...userAttributes(), given_name: "Ada & co" };

    const result = await invoke(handler, customMessageEvents.CustomMessage_SignUp({ attributes }));

    expect(result.response.emailMessage).toContain("Hello Ada &amp; co,");
  });

  it("answers a repeat with the same message", async () => {
    const first = await invoke(handler, customMessageEvents.CustomMessage_ForgotPassword());
    const second = await invoke(handler, customMessageEvents.CustomMessage_ForgotPassword());

    expect(second.response).toEqual(first.response);
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...customMessageEvents.CustomMessage_SignUp(),
      triggerSource: "CustomMessage_X",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
  });
});
