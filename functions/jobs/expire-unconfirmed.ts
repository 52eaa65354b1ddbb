/**
 * Scheduled (hourly): deletes user-pool accounts still UNCONFIRMED 24 hours after sign-up. Their
 * confirmation codes have expired, so such an account can no longer become anyone's; while it
 * exists it only blocks the address's owner from signing up (docs/security.md, "squatting").
 */
import type { ScheduledHandler } from "aws-lambda";
import { logger } from "../../shared/runtime/logger.js";
import { deleteUnconfirmedUsers } from "../../shared/users/accounts.js";

/** How long an unconfirmed account may wait for its confirmation (Cognito's code lifetime). */
export const UNCONFIRMED_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export const handler: ScheduledHandler = async (_event, context) => {
  const deleted = await deleteUnconfirmedUsers(new Date(Date.now() - UNCONFIRMED_MAX_AGE_MS));
  logger
    .child({ requestId: context.awsRequestId })
    .info("unconfirmed accounts expired", { deleted });
};
