#!/usr/bin/env node
// The console CLI. The TypeScript sources are compiled to dist/ by `npm install` (prepare) or `npm run build`.
import '../dist/main/cli/mailfleet.js';
