// Playwright drives Debian's Chromium (apt package chromium; no browser download) against the production builds
// of the consumer apps, served twice: without and with cross-origin isolation, and against the Vite app in Vite's
// dev server. scripts/test-browser.sh builds everything this needs first.
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
    // The Vite consumer app in Vite's dev server, no configuration file (consumers.spec.js)
    { command: 'npx --no-install vite --port 4175 --strictPort --host 127.0.0.1', cwd: '../consumers/vite', port: 4175,
      reuseExistingServer: false },
  ],
});
