import { describe, expect, it } from "vitest";
import { DEPLOY_SETTINGS, failingCommand } from "../support/template.js";

const TIMEOUT = 120_000;

describe("stage checks (before anything is built)", () => {
  it(
    "refuses to package prod without an email-domain allowlist",
    () => {
      const { status, output } = failingCommand(["package", "--stage", "prod"], {
        CORS_ORIGIN: DEPLOY_SETTINGS.CORS_ORIGIN,
      });

      expect(status).not.toBe(0);
      expect(output).toContain(
        'Stage "prod" has no email-domain allowlist. Set ALLOWED_EMAIL_DOMAINS',
      );
    },
    TIMEOUT,
  );

  it(
    "refuses to package prod whose CORS origin is not set on purpose",
    () => {
      const { status, output } = failingCommand(["package", "--stage", "prod"], {
        ALLOWED_EMAIL_DOMAINS: DEPLOY_SETTINGS.ALLOWED_EMAIL_DOMAINS,
      });

      expect(status).not.toBe(0);
      expect(output).toContain('Stage "prod" has no CORS origin. Set CORS_ORIGIN');
    },
    TIMEOUT,
  );

  it(
    "refuses a 40-character stage name, whose function names Lambda would refuse",
    () => {
      const stage = "s".repeat(40);

      const { status, output } = failingCommand(["package", "--stage", stage], DEPLOY_SETTINGS);

      expect(status).not.toBe(0);
      expect(output).toContain(`Stage name "${stage}" is too long`);
      expect(output).toMatch(/at least 7 characters shorter/);
    },
    TIMEOUT,
  );

  it(
    "refuses to package prod without managed-login callback URLs",
    () => {
      const { OAUTH_CALLBACK_URLS: _unset, ...settings } = DEPLOY_SETTINGS;

      const { status, output } = failingCommand(["package", "--stage", "prod"], settings);

      expect(status).not.toBe(0);
      expect(output).toContain('Stage "prod" has no managed-login callback URL');
    },
    TIMEOUT,
  );

  it(
    "refuses an upper-case stage name, which no managed-login domain prefix may hold",
    () => {
      const { status, output } = failingCommand(["package", "--stage", "Dev"], DEPLOY_SETTINGS);

      expect(status).not.toBe(0);
      expect(output).toContain('Stage name "Dev" must be lower-case');
    },
    TIMEOUT,
  );

  it(
    "refuses to deploy the local stage",
    () => {
      const { status, output } = failingCommand(["deploy", "--stage", "local"], {
        // Dummy credentials: the check must stop the deploy before any AWS call.
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "dummy",
      });

      expect(status).not.toBe(0);
      expect(output).toContain(
        'Stage "local" is the local stack of `npm start` and cannot be deployed',
      );
    },
    TIMEOUT,
  );
});
