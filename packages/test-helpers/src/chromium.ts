// Debian's Chromium driven by playwright-core, as every browser check of the docs launches it
// (the browser tests and bench/docs.mjs). `npm run setup` installs Chromium on Debian; elsewhere
// set CHROMIUM_PATH.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Chromium is looked for: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const executablePath: string = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// Flags for a root user (no sandbox) on a machine whose network is closed: no GPU, no QUIC, and
// none of the background fetches (updates, sync) a first run would try.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Debian's Chromium, headless, with the flags a root user on a closed network needs. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}. Run \`npm run setup\` (it installs Debian's chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: ARGS });
}
