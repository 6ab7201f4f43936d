import { existsSync } from 'node:fs';
import { ensureWebBuild } from '../../scripts/ensure-build.ts';
import { CHROMIUM } from './browser.ts';

/** Before any browser test: Chromium must be installed, and the web build must be current. */
export default function setup(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  ensureWebBuild((line) => console.log(line));
}
