/**
 * scripts/local/cognito/sign-in.ts adds sign-in flows cognito-local 5.3.0 lacks. This pins that
 * version and the gaps themselves: when an upgrade brings its own USER_SRP_AUTH, USER_AUTH,
 * PASSWORD_VERIFIER, SELECT_CHALLENGE or GetTokensFromRefreshToken, these fail, so that whoever
 * upgrades decides whether the project's wrappers still belong in front of the emulator's.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { version } = require("cognito-local/package.json") as { version: string };
const { isSupportedTarget } = require("cognito-local/lib/targets/Target.js") as {
  isSupportedTarget: (name: string) => boolean;
};
const { UnsupportedError } = require("cognito-local/lib/errors.js") as {
  UnsupportedError: new () => Error;
};
type RawTarget = (ctx: unknown, req: Record<string, unknown>) => Promise<unknown>;
const { InitiateAuth } = require("cognito-local/lib/targets/initiateAuth.js") as {
  InitiateAuth: (services: unknown) => RawTarget;
};
const { RespondToAuthChallenge } =
  require("cognito-local/lib/targets/respondToAuthChallenge.js") as {
    RespondToAuthChallenge: (services: unknown) => RawTarget;
  };

/** Just enough of the emulator's services for a target to reach its flow dispatch. */
const user = { Username: "u", Attributes: [], Password: "p", UserStatus: "CONFIRMED" };
const services = {
  cognito: {
    getUserPoolForClientId: () =>
      Promise.resolve({
        options: { Id: "local_x" },
        getUserByUsername: () => Promise.resolve(user),
      }),
    getAppClient: () => Promise.resolve({ ClientId: "c" }),
  },
};

describe("cognito-local sign-in gaps (closed in scripts/local/cognito/sign-in.ts)", () => {
  it("is the version the wrappers were written against", () => {
    expect(version, "re-check scripts/local/cognito/sign-in.ts against the new version").toBe(
      "5.3.0",
    );
  });

  it("has no GetTokensFromRefreshToken target", () => {
    expect(isSupportedTarget("GetTokensFromRefreshToken")).toBe(false);
  });

  it.each(["USER_SRP_AUTH", "USER_AUTH"])("does not support InitiateAuth %s", async (flow) => {
    const initiate = InitiateAuth(services)({}, { ClientId: "c", AuthFlow: flow });

    await expect(initiate).rejects.toBeInstanceOf(UnsupportedError);
  });

  it.each(["PASSWORD_VERIFIER", "SELECT_CHALLENGE"])(
    "does not support RespondToAuthChallenge %s",
    async (challenge) => {
      const respond = RespondToAuthChallenge(services)(
        {},
        {
          ClientId: "c",
          ChallengeName: challenge,
          ChallengeResponses: { USERNAME: "u" },
          Session: "s",
        },
      );

      await expect(respond).rejects.toBeInstanceOf(UnsupportedError);
    },
  );
});
