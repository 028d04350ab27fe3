import type { Browser } from "playwright-core";

/** Where Chromium is looked for: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export declare const executablePath: string;
/** Debian's Chromium, headless, with the flags a root user on a closed network needs. */
export declare function launchChromium(): Promise<Browser>;
