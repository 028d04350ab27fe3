// Guard: an integer path value no JSON number holds exactly (beyond 2^53) names no record the
// API can hold: refused as the operation refuses an unknown path value (its documented 404),
// where Prism would accept it and answer the example (DELETE /api2/clients/99999999999999999999.json -> 200).
import { unsafeIntegerParameter } from "../refusals.js";
import type { Guard } from "./exchange.js";
import { sendError } from "./send.js";

export const pathValueCheck: Guard = ({ req, res, pathname, route }) => {
  if (!route?.integerPathParams.length) return false;
  const values = route.pathParams(pathname);
  const unsafe = unsafeIntegerParameter(values, route.integerPathParams);
  if (!unsafe) return false;
  req.resume();
  sendError(
    res,
    route.errorShape,
    404,
    `${unsafe}: ${values![unsafe]} is beyond the integers the API holds (2^53).`,
    "path",
  );
  return true;
};
