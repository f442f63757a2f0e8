import './app.js';  // (tests/consumers/shared/app.js, copied here by scripts/test-browser.sh)
