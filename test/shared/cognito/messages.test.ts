import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BRAND,
  customMessage,
  escapeHtml,
  type MessageSource,
} from "../../../shared/cognito/messages.js";

const sources: MessageSource[] = [
  "CustomMessage_SignUp",
  "CustomMessage_AdminCreateUser",
  "CustomMessage_ResendCode",
  "CustomMessage_ForgotPassword",
  "CustomMessage_UpdateUserAttribute",
  "CustomMessage_VerifyUserAttribute",
  "CustomMessage_Authentication",
];

const input = { code: "{####}", username: "{username}" };
const count = (text: string, part: string) => text.split(part).length - 1;

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("leaves no raw markup characters in any string", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
      }),
    );
  });
});

describe("customMessage", () => {
  it.each(sources)("%s: a branded subject and the code placeholder exactly once", (source) => {
    const message = customMessage(source, input);

    expect(message.emailSubject).toContain(BRAND);
    expect(count(message.emailMessage, "{####}")).toBe(1);
    expect(count(message.smsMessage, "{####}")).toBe(1);
    expect(message.smsMessage.length).toBeLessThanOrEqual(140);
  });

  it("gives every source its own subject", () => {
    const subjects = sources.map((source) => customMessage(source, input).emailSubject);

    expect(new Set(subjects).size).toBe(sources.length);
  });

  it("keeps the username placeholder for admin-created users, in the email and the text", () => {
    const message = customMessage("CustomMessage_AdminCreateUser", input);

    expect(count(message.emailMessage, "{username}")).toBe(1);
    expect(count(message.smsMessage, "{username}")).toBe(1);
  });

  it("escapes a name holding HTML, and keeps it out of the text message", () => {
    const name = `<img src=x onerror="alert(1)">Eve & 'co'`;

    const message = customMessage("CustomMessage_SignUp", { ...input, name });

    expect(message.emailMessage).toContain(
      "Hello &lt;img src=x onerror=&quot;alert(1)&quot;&gt;Eve &amp; &#39;co&#39;,",
    );
    expect(message.emailMessage).not.toContain("<img");
    expect(message.smsMessage).not.toContain("Eve");
  });

  it("drops control characters from a name and shortens a long one", () => {
    const message = customMessage("CustomMessage_SignUp", {
      ...input,
      name: `Ada\u0000\u202e\n${"x".repeat(500)}`,
    });

    expect(message.emailMessage).toContain(`Hello Ada${"x".repeat(97)},`);
    expect(message.emailMessage).not.toContain("\u0000");
    expect(message.emailMessage).not.toContain("\u202e");
  });

  it("greets without a name when there is none", () => {
    expect(customMessage("CustomMessage_SignUp", input).emailMessage).toContain("<p>Hello,</p>");
    expect(
      customMessage("CustomMessage_SignUp", { ...input, name: " \u0000 " }).emailMessage,
    ).toContain("<p>Hello,</p>");
  });

  it("never lets a name inject markup, whatever it holds", () => {
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.string(), (source, name) => {
        const html = customMessage(source, { ...input, name }).emailMessage;
        const greetingLine = html.split("\n")[0] ?? "";

        expect(greetingLine.slice("<p>".length, -"</p>".length)).not.toMatch(/[<>"']/);
        expect(count(html, "{####}")).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
