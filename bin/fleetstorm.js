#!/usr/bin/env node
// Thin shim: all logic lives in dist/cli/main.js (built from src/cli/main.ts).
import { main } from '../dist/cli/main.js';

await main(process.argv.slice(2));
