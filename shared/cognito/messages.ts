/**
 * The user pool's emails and text messages (CustomMessage), one template per message source.
 * Cognito replaces the code placeholder (`{####}`) and, for admin-created users, the username
 * placeholder after the trigger returns, so each appears exactly once in every message, verbatim.
 * Values a user can write (their `name`, for instance) are HTML-escaped and never reach a text
 * message at all. Rebrand here.
 */
import type { CustomMessageTriggerEvent } from "aws-lambda";

export const BRAND = "Cognito Notes";

export type MessageSource = CustomMessageTriggerEvent["triggerSource"];

export interface MessageInput {
  /** Cognito's code placeholder (`event.request.codeParameter`). */
  code: string;
  /** Cognito's username placeholder (`event.request.usernameParameter`), AdminCreateUser only. */
  username: string;
  /** The user's name as they gave it, if any: untrusted. */
  name?: string | undefined;
}

export interface Message {
  emailSubject: string;
  emailMessage: string;
  smsMessage: string;
}

interface Template {
  subject: string;
  intro: string;
  /** The line holding the placeholders; the only place they appear. */
  action: (input: MessageInput) => string;
  sms: (input: MessageInput) => string;
  outro: string;
}

const ignore = "If this wasn't you, you can ignore this message.";

const templates = {
  CustomMessage_SignUp: {
    subject: `Confirm your ${BRAND} account`,
    intro: `Thanks for signing up for ${BRAND}.`,
    action: ({ code }) => `Your confirmation code is ${code}`,
    sms: ({ code }) => `${BRAND}: your confirmation code is ${code}`,
    outro: ignore,
  },
  CustomMessage_ResendCode: {
    subject: `Your new ${BRAND} confirmation code`,
    intro: "You asked for a new confirmation code.",
    action: ({ code }) => `Your confirmation code is ${code}`,
    sms: ({ code }) => `${BRAND}: your confirmation code is ${code}`,
    outro: ignore,
  },
  CustomMessage_ForgotPassword: {
    subject: `Reset your ${BRAND} password`,
    intro: "Someone asked to reset the password of your account.",
    action: ({ code }) => `Your password reset code is ${code}`,
    sms: ({ code }) => `${BRAND}: your password reset code is ${code}`,
    outro: "If this wasn't you, ignore this message: your password stays the same.",
  },
  CustomMessage_AdminCreateUser: {
    subject: `Your ${BRAND} account is ready`,
    intro: `An administrator created a ${BRAND} account for you.`,
    action: ({ code, username }) =>
      `Sign in with the username ${username} and the temporary password ${code}`,
    sms: ({ code, username }) => `${BRAND}: sign in as ${username} with temporary password ${code}`,
    outro: "You will choose your own password when you first sign in.",
  },
  CustomMessage_UpdateUserAttribute: {
    subject: `Confirm your new ${BRAND} email address`,
    intro: "You changed the email address of your account.",
    action: ({ code }) => `Your verification code is ${code}`,
    sms: ({ code }) => `${BRAND}: your verification code is ${code}`,
    outro: ignore,
  },
  CustomMessage_VerifyUserAttribute: {
    subject: `Verify your ${BRAND} email address`,
    intro: "Please verify the email address of your account.",
    action: ({ code }) => `Your verification code is ${code}`,
    sms: ({ code }) => `${BRAND}: your verification code is ${code}`,
    outro: ignore,
  },
  CustomMessage_Authentication: {
    subject: `Your ${BRAND} sign-in code`,
    intro: "Someone is signing in to your account.",
    action: ({ code }) => `Your sign-in code is ${code}`,
    sms: ({ code }) => `${BRAND}: your sign-in code is ${code}`,
    outro: "If this wasn't you, change your password now.",
  },
} satisfies Record<MessageSource, Template>;

const htmlEntities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `value` for HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
}

const MAX_NAME = 100;

/** A name fit for a greeting: control characters dropped, at most 100 characters, escaped. */
function greeting(name: string | undefined): string {
  const clean = Array.from((name ?? "").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ""))
    .slice(0, MAX_NAME)
    .join("")
    .trim();
  return clean ? `Hello ${escapeHtml(clean)},` : "Hello,";
}

/** The subject, HTML email and text message for `source`. */
export function customMessage(source: MessageSource, input: MessageInput): Message {
  const template: Template = templates[source];
  const emailMessage = [
    `<p>${greeting(input.name)}</p>`,
    `<p>${template.intro}</p>`,
    `<p><strong>${template.action(input)}</strong></p>`,
    `<p>${template.outro}</p>`,
    `<p>The ${BRAND} team</p>`,
  ].join("\n");
  return { emailSubject: template.subject, emailMessage, smsMessage: template.sms(input) };
}
