// Chromium: a page module that runs the calls against the mock named in `?mock=` (another origin,
// so through the mock's CORS) and leaves the result on window for the test to read.
import { runCalls } from "./calls.mjs";

const baseUrl = new URL(location.href).searchParams.get("mock");
window.consumerResult = runCalls(baseUrl).then(
  (result) => ({ result }),
  (error) => ({ error: String(error?.stack ?? error) }),
);
