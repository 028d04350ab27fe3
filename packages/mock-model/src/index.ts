// @mizan/mock-model: the mock's model of an API, applied to a bundle at bundle time by the spec
// build (spec/scripts/bundle.mjs calls `mockBundleHook`) and read at run time by @mizan/mock.
// It owns every `x-mock-*` extension: the coercion rules (coercions.ts), the resources of the
// stateful mode (resources.ts, its run-time contract in contract.ts), the conditional error examples (`x-mock-when`) and the list
// filters (`x-mock-filter`, `x-mock-sort`), which the published bundles do not carry.
import { forEachObject } from "@mizan/openapi-tools";
import { addSuffixlessAliases } from "@mizan/openapi-tools/transform";
import { coerceRequestsForMock, responseLoosening } from "./coercions.js";
import { markMockResources } from "./resources.js";

export {
  coerceRequestsForMock,
  coercionsOf,
  MOCK_COERCIONS,
  MOCK_COERCIONS_EXTENSION,
  responseLoosening,
  type MockCoercion,
} from "./coercions.js";
export {
  MOCK_RESOURCE,
  MOCK_RESOURCE_ACTIONS,
  rewrap,
  type MockAction,
  type MockAnswer,
  type MockResource,
  type PagingRole,
} from "./contract.js";
export { markMockResources, pathRole } from "./resources.js";

/** Every extension of the mock's model starts so. */
export const MOCK_EXTENSION_PREFIX = "x-mock-";

/** A copy of a document without any `x-mock-*` extension: what the published bundles carry. */
export function withoutMockMarks<T>(doc: T): T {
  const copy = structuredClone(doc);
  forEachObject(copy, (node: Record<string, unknown>) => {
    for (const key of Object.keys(node)) if (key.startsWith(MOCK_EXTENSION_PREFIX)) delete node[key];
  });
  return copy;
}

/** The mock's copy of a (response-loosened) bundle: requests coerced, resources marked, suffix-less path twins added. */
export function mockBundle<T>(doc: T): T {
  // Resources are marked before the suffix-less twins are added, so both path forms share a resource.
  return addSuffixlessAliases(markMockResources(coerceRequestsForMock(doc)));
}

/**
 * What the spec build asks of the mock's model for one bundle: the options of the response
 * loosening the document's rules ask for, the published document (without the model's marks),
 * and the mock's document.
 */
export const mockBundleHook = {
  responseLoosening,
  published: withoutMockMarks,
  mock: mockBundle,
};
