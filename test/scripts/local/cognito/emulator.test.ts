/**
 * The local Cognito composes cognito-local's private modules; scripts/local/cognito/emulator.ts is
 * the only place that loads them, for one version. An upgrade must fail here, loudly, until every
 * wrapper has been re-checked against the new sources.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { emulator, PINNED_VERSION } from "../../../../scripts/local/cognito/emulator.js";

const installed = (
  createRequire(import.meta.url)("cognito-local/package.json") as { version: string }
).version;

describe("cognito-local", () => {
  it("is the version the wrappers were written for", () => {
    expect(installed).toBe(PINNED_VERSION);
    expect(emulator.version).toBe(PINNED_VERSION);
  });

  it("still has the building blocks the wrappers compose", () => {
    const functions = [
      emulator.createServer,
      emulator.Router,
      emulator.DateClock,
      emulator.LambdaService,
      emulator.TriggersService,
      emulator.MessagesService,
      emulator.CognitoServiceFactoryImpl,
      emulator.UserPoolServiceFactoryImpl,
      emulator.StormDBDataStoreFactory,
      emulator.CryptoService,
      emulator.otp,
      emulator.JwtTokenGenerator,
      emulator.MessageDeliveryService,
      emulator.errors.CognitoError,
      emulator.errors.NotAuthorized,
      emulator.errors.UserLambdaValidation,
    ];

    for (const building of functions) expect(typeof building).toBe("function");
    for (const method of ["getUserByUsername", "getUserByRefreshToken", "listUsers", "saveUser"]) {
      expect(typeof emulator.UserPoolService.prototype[method]).toBe("function");
    }
    expect(emulator.privateKey.pem).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(emulator.publicKey.jwk["kid"]).toBe("CognitoLocal");
  });

  it("errors carry the code its HTTP layer sends as __type", () => {
    const error = new emulator.errors.NotAuthorized("x");

    expect(error.code).toBe("NotAuthorizedException");
    expect(error.message).toBe("x");
  });
});
