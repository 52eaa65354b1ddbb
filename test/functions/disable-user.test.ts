import { handler } from "../../functions/disable-user.js";
import { describeUserStatusRoute } from "../fixtures/user-status-route.js";

describeUserStatusRoute("disable", handler);
