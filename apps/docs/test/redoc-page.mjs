// How the browser tests read a Redoc reference page: its request-sample panels. Redoc marks its
// parts with `data-component-name`; a panel's header holds two dropdowns, the operation
// ("POST /v1/add/") and the sample language.
import { operationsOf } from "@mizan/openapi-tools";

export const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Text with its whitespace runs made single spaces, to compare code as shown with code as written. */
export const squash = (text) => text.replace(/\s+/g, " ").trim();

const headerDropdowns = (panel) =>
  panel.locator('[data-component-name="Panel/PanelHeader"] [data-component-name="Dropdown/Dropdown"]');

/** The language selected in a sample panel ("TypeScript"). */
export const selectedLanguage = async (panel) =>
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered (what a reader sees), not the DOM property
  squash(await headerDropdowns(panel).nth(1).locator("> button").innerText());

/** The code a sample panel shows, whitespace squashed. */
export const shownCode = async (panel) =>
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered (what a reader sees), not the DOM property
  squash(await panel.locator('[data-component-name="CodeBlock/CodeBlock"]').first().innerText());

/** Opens the language menu of a sample panel and picks a language by its label. */
export async function chooseLanguage(panel, label) {
  await headerDropdowns(panel).nth(1).locator("> button").click();
  // The open menu may be rendered outside the panel, so look for it on the whole page.
  await panel
    .page()
    .locator('[data-component-name="Dropdown/DropdownMenuItem"]:visible', {
      hasText: new RegExp(`^\\s*${escapeRegex(label)}\\s*$`),
    })
    .click();
}

/**
 * The sample panel of an operation (an entry of operationsOf), found by the method and path in
 * its header, so the locator keeps pointing at it while Redoc re-renders the page.
 */
export function samplePanelOf(page, entry) {
  const header = page.locator(
    '[data-component-name="Panel/PanelHeader"] [data-component-name="Dropdown/Dropdown"] > button',
    {
      hasText: new RegExp(`^\\s*${entry.method}\\s*${escapeRegex(entry.path)}\\s*$`, "i"),
    },
  );
  return page.locator(".panel-request-samples").filter({ has: header }).first();
}

/** The first operation of a tag, in document order: the one a reader sees first after opening the tag. */
export const firstOperationOf = (doc, tag) => operationsOf(doc).find((e) => e.op.tags?.includes(tag.name));
