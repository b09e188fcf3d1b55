#!/usr/bin/env -S node --no-memory-reducer
// The `twelve` command: the compiled CLI lives in dist/ (`npm run build`). The flag is for `twelve serve`
// (src/serve-node-flags.ts says why); it costs the other commands nothing.
import('../dist/src/cli/main.js');
