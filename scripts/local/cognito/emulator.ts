/**
 * The one door to cognito-local's private modules (its `lib/` paths, which it does not export and
 * may change in any release). Everything the project composes or wraps is loaded here, and only
 * for the version it was written against: another version fails at once, with a message that says
 * which wrappers to re-check, instead of misbehaving quietly (test/scripts/local/cognito/emulator.test.ts
 * pins the shapes this module relies on).
 */
import type { JsonWebKey } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type {
  CognitoService,
  Context,
  Json,
  LambdaService,
  Messages,
  PoolFactory,
  Target,
  TokenGenerator,
} from "./types.js";

const require = createRequire(import.meta.url);

/** The cognito-local release every wrapper in scripts/local/cognito* was written against. */
export const PINNED_VERSION = "5.3.0";

const installed = (require("cognito-local/package.json") as { version: string }).version;
if (installed !== PINNED_VERSION) {
  throw new Error(
    `cognito-local ${installed} is installed but the local stack's wrappers were written for ` +
      `${PINNED_VERSION}: re-check every module under scripts/local/cognito/ against its lib/ ` +
      `sources (targets, services, errors), then update PINNED_VERSION.`,
  );
}

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
type Building = new (...args: unknown[]) => unknown;
type Service<T> = new (...args: unknown[]) => T;

export type CognitoErrorClass = new (message?: string) => Error & { code: string };

const errors = require("cognito-local/lib/errors.js");
const services = require("cognito-local/lib/services/index.js");

/** cognito-local's building blocks, as its own `createDefaultServer` composes them. */
export const emulator = {
  version: installed,
  createServer: require("cognito-local/lib/server/server.js").createServer as (
    router: (target: string) => Target,
    logger: unknown,
    options: Json,
    services: Json,
  ) => { application: (req: IncomingMessage, res: ServerResponse) => void },
  Router: require("cognito-local/lib/server/Router.js").Router as (
    services: Json,
  ) => (target: string) => Target,
  DefaultConfig: require("cognito-local/lib/server/config.js").DefaultConfig as Json,
  DateClock: services.DateClock as Service<Json>,
  LambdaService: services.LambdaService as Service<LambdaService>,
  TriggersService: services.TriggersService as Building,
  MessagesService: services.MessagesService as Service<Messages>,
  CognitoServiceFactoryImpl: require("cognito-local/lib/services/cognitoService.js")
    .CognitoServiceFactoryImpl as new (
    dataDirectory: string,
    dataStoreFactory: unknown,
    poolFactory: PoolFactory,
  ) => { create(ctx: Context, defaults: Json): Promise<CognitoService & Json> },
  UserPoolServiceFactoryImpl: require("cognito-local/lib/services/userPoolService.js")
    .UserPoolServiceFactoryImpl as new (clock: unknown, dataStoreFactory: unknown) => PoolFactory,
  /** The pool service whose methods the wrappers replace on each pool. */
  UserPoolService: require("cognito-local/lib/services/userPoolService.js").UserPoolServiceImpl as {
    prototype: Record<string, unknown>;
  },
  StormDBDataStoreFactory: require("cognito-local/lib/services/dataStore/stormDb.js")
    .StormDBDataStoreFactory as new (dataDirectory: string) => unknown,
  CryptoService: require("cognito-local/lib/services/crypto.js").CryptoService as Building,
  otp: require("cognito-local/lib/services/otp.js").otp as () => string,
  JwtTokenGenerator: require("cognito-local/lib/services/tokenGenerator.js")
    .JwtTokenGenerator as Service<TokenGenerator>,
  MessageDeliveryService: require("cognito-local/lib/services/messageDelivery/messageDelivery.js")
    .MessageDeliveryService as Building,
  /** The emulator's signing key pair (shipped in its package: local use only). */
  privateKey: require("cognito-local/lib/keys/cognitoLocal.private.json") as {
    pem: string;
    jwk: JsonWebKey;
  },
  publicKey: require("cognito-local/lib/keys/cognitoLocal.public.json") as {
    pem: string;
    jwk: Record<string, string>;
  },
  /** The error classes its HTTP layer turns into `{ __type, message }` (400). */
  errors: {
    CognitoError: errors.CognitoError as new (code: string, message: string) => Error,
    NotAuthorized: errors.NotAuthorizedError as CognitoErrorClass,
    UserLambdaValidation: errors.UserLambdaValidationError as CognitoErrorClass,
  },
};
/* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */

/** A Cognito error the emulator's HTTP layer answers as AWS does: 400 `{ __type, message }`. */
export function cognitoError(type: string, message: string): Error {
  return new emulator.errors.CognitoError(type, message);
}
