import { handler } from "../../functions/enable-user.js";
import { describeUserStatusRoute } from "../fixtures/user-status-route.js";

describeUserStatusRoute("enable", handler);
