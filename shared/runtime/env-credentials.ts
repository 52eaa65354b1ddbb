/**
 * The AWS SDK's credential chain as the Lambda bundles have it: environment variables only.
 *
 * Every SDK client imports `defaultProvider` from `@aws-sdk/credential-provider-node`, Node's whole
 * chain (environment, SSO, ini files, credential_process, web identity, container and instance
 * metadata). Lambda puts the function role's credentials in the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the local stack does the
 * same, so the rest of the chain is code that loads at every cold start and never runs. The
 * esbuild `alias` in serverless.yml puts this module in its place for the bundles only; scripts
 * and tests, run by tsx and vitest, keep the full chain.
 */
import { fromEnv, type FromEnvInit } from "@aws-sdk/credential-provider-env";

/** Stands in for `@aws-sdk/credential-provider-node`'s `defaultProvider`. */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
