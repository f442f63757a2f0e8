// Playwright drives Debian's Chromium (apt package chromium; no browser download) against the production builds
// of the consumer apps, served twice: without and with cross-origin isolation. scripts/test-browser.sh builds
// everything this needs first.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.js/,
  workers: 1,
  timeout: 5 * 60 * 1000,
  reporter: [['list']],
  outputDir: '../../build/playwright',
  use: {
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
  },
  webServer: [
    { command: 'node server.js --port 4173', port: 4173, reuseExistingServer: false },
    { command: 'node server.js --port 4174 --coi', port: 4174, reuseExistingServer: false },
  ],
});
