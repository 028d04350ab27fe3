// A scripted stand-in for the network: each test says how the "server" answers.
export type Handler = (request: Request, call: number, init?: RequestInit) => Response | Promise<Response>;

export interface FakeServer {
  fetch: (request: Request, init?: RequestInit) => Promise<Response>;
  /** Every request received, in order (bodies still readable). */
  requests: Request[];
  count(predicate?: (r: Request) => boolean): number;
}

export function fakeServer(handler: Handler): FakeServer {
  const requests: Request[] = [];
  return {
    requests,
    async fetch(request, init) {
      requests.push(request.clone());
      // Let the event loop turn, as a real network would.
      await new Promise((r) => setTimeout(r, 0));
      return handler(request, requests.length, init);
    },
    count: (predicate = () => true) => requests.filter(predicate).length,
  };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const isTokenRequest = (r: Request) => new URL(r.url).pathname === "/v2/oauth/token";

export const clientPage = (page: number, pageCount: number, ids: number[]) =>
  json({
    code: 200,
    result: "successful",
    data: ids.map((id) => ({ Client: { id, business_name: `client ${id}` } })),
    pagination: {
      prev: page > 1 ? `/api2/clients.json?page=${page - 1}` : null,
      next: page < pageCount ? `/api2/clients.json?page=${page + 1}` : null,
      page,
      page_count: pageCount,
      total_results: 99,
    },
  });
