// workerd: a Worker module whose fetch handler runs the calls against the mock named in `?mock=`
// and answers with what it got.
import { runCalls } from "./calls.mjs";

export default {
  async fetch(request) {
    const baseUrl = new URL(request.url).searchParams.get("mock");
    try {
      return Response.json(await runCalls(baseUrl));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
