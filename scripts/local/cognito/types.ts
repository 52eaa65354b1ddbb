/** The shapes of cognito-local's services that the project's wrappers use (version 5.3.0). */
export type Json = Record<string, unknown>;

export interface Attribute {
  Name: string;
  Value?: string;
}

export interface EmulatorUser {
  Username: string;
  Attributes: Attribute[];
  Enabled?: boolean;
  UserStatus?: string;
  Password?: string;
  RefreshTokens?: string[];
  [key: string]: unknown;
}

export interface Context {
  logger: unknown;
}

/** One API action (`x-amz-target`), as the emulator's router hands them out. */
export type Target = (ctx: Context, req: Json) => Promise<unknown>;

export interface PoolService {
  options: Json & { Id: string };
  getUserByUsername(ctx: unknown, username: string): Promise<EmulatorUser | null>;
  getUserByRefreshToken(ctx: unknown, token: string): Promise<EmulatorUser | null>;
  listUsers(ctx: unknown): Promise<EmulatorUser[]>;
  saveUser(ctx: unknown, user: EmulatorUser): Promise<void>;
  listUserGroupMembership(ctx: unknown, user: EmulatorUser): Promise<string[]>;
}

export interface AppClient {
  ClientId: string;
  UserPoolId: string;
  WriteAttributes?: string[];
  EnableTokenRevocation?: boolean;
  PreventUserExistenceErrors?: string;
}

export interface CognitoService {
  getUserPool(ctx: unknown, userPoolId: unknown): Promise<PoolService>;
  getUserPoolForClientId(ctx: unknown, clientId: unknown): Promise<PoolService>;
  getAppClient(ctx: unknown, clientId: unknown): Promise<AppClient | null>;
}

export interface PoolFactory {
  create(...args: unknown[]): Promise<PoolService>;
}

export const attributeOf = (user: EmulatorUser, name: string): string | undefined =>
  user.Attributes.find((a) => a.Name === name)?.Value;

export interface TokenSet extends Json {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
}

export interface TokenGenerator {
  generate(
    ctx: unknown,
    user: EmulatorUser,
    groups: string[],
    client: { ClientId: string; UserPoolId: string },
    metadata: Record<string, string> | undefined,
    source: string,
  ): Promise<TokenSet>;
}

export interface LambdaService {
  invoke(ctx: unknown, name: string, event: Json): Promise<Json>;
  enabled(name: string): boolean;
}

/** Delivers a code through CustomMessage to the local mailbox. */
export interface Messages {
  deliver(
    ctx: unknown,
    source: string,
    clientId: string | null,
    userPoolId: string,
    user: EmulatorUser,
    code: string,
    clientMetadata: unknown,
    delivery: { AttributeName: string; DeliveryMedium: string; Destination: string },
  ): Promise<void>;
}
