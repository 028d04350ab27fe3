// The consumer every runtime runs: three calls through the packed @mizan/daftra-client against the
// Daftra mock at `baseUrl`. It returns plain JSON so each runtime's answer can be compared.
import { createDaftraClient, NotFoundError, querySerializer } from "@mizan/daftra-client";

export async function runCalls(baseUrl) {
  const daftra = createDaftraClient({ baseUrl, auth: { apiKey: "runtime-matrix-key" }, querySerializer, retry: false });

  // 1. A v1 record, authenticated with the API key.
  const record = await daftra.GET("/api2/clients/{id}.json", { params: { path: { id: 1 } } });
  const client = record.data?.data?.Client;

  // 2. A v2 list filtered through the bracket query serialiser.
  const list = await daftra.GET("/v2/api/entity/brand/list/{level}", {
    params: {
      path: { level: 1 },
      query: { filter: { name: { like: "a" }, id: { in: [3, 4] } }, sort: { id: "desc" } },
    },
  });
  const query = decodeURIComponent(new URL(list.response.url).search);

  // 3. A typed error: the mock answers 404 when asked to.
  let notFound;
  try {
    await createDaftraClient({ baseUrl, auth: { apiKey: "runtime-matrix-key" }, throwOnError: true, retry: false }).GET(
      "/api2/invoices/{id}.json",
      {
        params: { path: { id: 999 } },
        headers: { Prefer: "code=404" },
      },
    );
    notFound = { thrown: false };
  } catch (error) {
    notFound = {
      thrown: true,
      name: error.name,
      isNotFoundError: error instanceof NotFoundError,
      status: error.status,
      method: error.method,
      path: error.path,
    };
  }

  return {
    record: {
      status: record.response.status,
      id: client?.id,
      hasBusinessName: typeof client?.business_name === "string",
      error: record.error ?? null,
    },
    list: {
      status: list.response.status,
      query,
      count: Array.isArray(list.data?.data) ? list.data.data.length : null,
      error: list.error ?? null,
    },
    notFound,
  };
}
