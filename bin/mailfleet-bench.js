#!/usr/bin/env node
// Benchmarks (npm run bench -- NAME); built into dist/ by npm run build.
import '../dist/bench/run-bench.js';
