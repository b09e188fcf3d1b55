#!/usr/bin/env node
// The `twelve` command: the compiled CLI lives in dist/ (`npm run build`).
import('../dist/src/cli/main.js');
