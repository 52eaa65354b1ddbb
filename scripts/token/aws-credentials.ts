/**
 * `npm run token -- --aws`: the identity pool's temporary AWS credentials for a signed-in user
 * (sls/resources/identity.yml). The user pool ID token is exchanged with GetId and
 * GetCredentialsForIdentity, the enhanced (simplified) flow; the credentials act as the
 * authenticated role, which reads only `users/<sub>/` and queries only `USER#<sub>`.
 */
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from "@aws-sdk/client-cognito-identity";
import { TokenScriptError } from "./sign-in.js";

export interface IdentityPool {
  client: CognitoIdentityClient;
  identityPoolId: string;
  /** `cognito-idp.<region>.amazonaws.com/<user pool id>`: the key of the token in `Logins`. */
  providerName: string;
}

export function identityPool(region: string, identityPoolId: string, userPoolId: string) {
  return {
    client: new CognitoIdentityClient({ region }),
    identityPoolId,
    providerName: `cognito-idp.${region}.amazonaws.com/${userPoolId}`,
  } satisfies IdentityPool;
}

/** `export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_SESSION_TOKEN=…` for `idToken`. */
export async function awsCredentialsLine(pool: IdentityPool, idToken: string): Promise<string> {
  const Logins = { [pool.providerName]: idToken };
  const { IdentityId } = await pool.client.send(
    new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }),
  );
  const { Credentials } = await pool.client.send(
    new GetCredentialsForIdentityCommand({ IdentityId, Logins }),
  );
  const { AccessKeyId, SecretKey, SessionToken, Expiration } = Credentials ?? {};
  if (!IdentityId || !AccessKeyId || !SecretKey || !SessionToken) {
    throw new TokenScriptError("The identity pool answered without credentials.");
  }
  const expires = Expiration ? ` # until ${Expiration.toISOString()}` : "";
  return (
    `export AWS_ACCESS_KEY_ID=${AccessKeyId} AWS_SECRET_ACCESS_KEY=${SecretKey} ` +
    `AWS_SESSION_TOKEN=${SessionToken}${expires}\n`
  );
}
