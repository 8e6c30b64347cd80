#!/usr/bin/env node
// The `acd` command line: runs the compiled CLI (npm run build) with the @acd/* path aliases.
const fs = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`acd: ${entry} is missing; run \`npm run build\` first\n`);
  process.exit(2);
}
process.setSourceMapsEnabled(true);
require('./register-paths.js');
require(entry);
