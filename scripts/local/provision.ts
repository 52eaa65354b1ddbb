/**
 * Creates the template's resources in the emulators: DynamoDB tables, the files bucket and its
 * CORS rules, the user pool, its app client and groups. Each step finds what a persistent earlier
 * run created and leaves it as it is, so `npm start` can be run again on the same state.
 */
import {
  CognitoIdentityProviderClient,
  SetUserPoolMfaConfigCommand,
  type SetUserPoolMfaConfigCommandInput,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  PutBucketCorsCommand,
  S3Client,
  type CORSRule,
} from "@aws-sdk/client-s3";
import { resolve } from "./cognito/oauth/intrinsics.js";
import { resourcesOfType, type PrintedConfig } from "./serverless-config.js";

/** Creates every `AWS::DynamoDB::Table` of the template that does not exist yet. */
export async function createTables(client: DynamoDBClient, config: PrintedConfig): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const resource of resourcesOfType(config, "AWS::DynamoDB::Table")) {
    const p = resource.Properties as unknown as CreateTableCommandInput;
    if (TableNames.includes(p.TableName ?? "")) continue;
    await client.send(
      new CreateTableCommand({
        TableName: p.TableName,
        BillingMode: p.BillingMode,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
      }),
    );
    await client.send(new DescribeTableCommand({ TableName: p.TableName }));
  }
}

interface TemplateCorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders?: string[];
  MaxAge?: number;
}

/** Creates the files bucket (the local stage's `bucketName`) with the template's CORS rules. */
export async function createBucket(client: S3Client, config: PrintedConfig): Promise<string> {
  const bucket = config.params.local.bucketName;
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
    if (!(error instanceof Error) || !/BucketAlready/.test(error.name)) throw error;
  });
  const cors = config.resources.Resources["FilesBucket"]?.Properties["CorsConfiguration"] as
    { CorsRules: TemplateCorsRule[] } | undefined;
  if (cors) {
    const rules: CORSRule[] = cors.CorsRules.map((rule) => ({
      AllowedMethods: rule.AllowedMethods,
      AllowedOrigins: rule.AllowedOrigins,
      AllowedHeaders: rule.AllowedHeaders,
      MaxAgeSeconds: rule.MaxAge,
    }));
    await client.send(
      new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }),
    );
  }
  return bucket;
}

async function ensureUserPool(
  client: CognitoIdentityProviderClient,
  pool: Record<string, unknown>,
): Promise<string> {
  const poolName = pool["UserPoolName"] as string;
  const existing = (
    await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))
  ).UserPools?.find((p) => p.Name === poolName);
  if (existing?.Id) return existing.Id;
  const input: CreateUserPoolCommandInput = {
    PoolName: poolName,
    UsernameAttributes: pool[
      "UsernameAttributes"
    ] as CreateUserPoolCommandInput["UsernameAttributes"],
    AutoVerifiedAttributes: pool[
      "AutoVerifiedAttributes"
    ] as CreateUserPoolCommandInput["AutoVerifiedAttributes"],
    UsernameConfiguration: pool[
      "UsernameConfiguration"
    ] as CreateUserPoolCommandInput["UsernameConfiguration"],
    Policies: pool["Policies"] as CreateUserPoolCommandInput["Policies"],
    UserAttributeUpdateSettings: pool[
      "UserAttributeUpdateSettings"
    ] as CreateUserPoolCommandInput["UserAttributeUpdateSettings"],
    Schema: pool["Schema"] as CreateUserPoolCommandInput["Schema"],
  };
  const userPoolId = (await client.send(new CreateUserPoolCommand(input))).UserPool?.Id;
  if (!userPoolId) throw new Error("The Cognito emulator did not create the user pool");
  return userPoolId;
}

/** CloudFormation's MfaConfiguration + EnabledMfas, through the API's SetUserPoolMfaConfig. */
async function configureMfa(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  pool: Record<string, unknown>,
): Promise<void> {
  const enabledMfas = (pool["EnabledMfas"] ?? []) as string[];
  await client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: userPoolId,
      MfaConfiguration: pool[
        "MfaConfiguration"
      ] as SetUserPoolMfaConfigCommandInput["MfaConfiguration"],
      SoftwareTokenMfaConfiguration: { Enabled: enabledMfas.includes("SOFTWARE_TOKEN_MFA") },
    }),
  );
}

async function ensureAppClient(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  appClient: Record<string, unknown>,
): Promise<string> {
  const clientName = appClient["ClientName"] as string;
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  const existing = clients.UserPoolClients?.find((c) => c.ClientName === clientName)?.ClientId;
  const props = appClient as unknown as Omit<CreateUserPoolClientCommandInput, "UserPoolId">;
  if (existing) {
    // A persistent earlier run: the client keeps its id and takes the template's current settings
    // (callback URLs follow the demo's port, for one).
    await client.send(
      new UpdateUserPoolClientCommand({ ...props, UserPoolId: userPoolId, ClientId: existing }),
    );
    return existing;
  }
  const clientId = (
    await client.send(new CreateUserPoolClientCommand({ ...props, UserPoolId: userPoolId }))
  ).UserPoolClient?.ClientId;
  if (!clientId) throw new Error("The Cognito emulator did not create the app client");
  return clientId;
}

/**
 * Creates the user pool, its app client and its groups as the template declares them (the
 * client's intrinsic functions evaluated: scripts/local/cognito/oauth/intrinsics.ts).
 */
export async function createUserPool(
  client: CognitoIdentityProviderClient,
  config: PrintedConfig,
): Promise<{ userPoolId: string; userPoolClientId: string }> {
  const resources = config.resources.Resources;
  const poolProperties = resources["UserPool"]?.Properties ?? {};
  const userPoolId = await ensureUserPool(client, poolProperties);
  await configureMfa(client, userPoolId, poolProperties);
  const conditions = (config.resources as { Conditions?: Record<string, unknown> }).Conditions;
  const { UserPoolId: _pool, ...clientProperties } = resources["UserPoolClient"]?.Properties ?? {};
  const userPoolClientId = await ensureAppClient(
    client,
    userPoolId,
    resolve(clientProperties, conditions ?? {}) as Record<string, unknown>,
  );
  for (const group of resourcesOfType(config, "AWS::Cognito::UserPoolGroup")) {
    await client
      .send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: group.Properties["GroupName"] as string,
          Description: group.Properties["Description"] as string | undefined,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.name !== "GroupExistsException") throw error;
      });
  }
  return { userPoolId, userPoolClientId };
}
