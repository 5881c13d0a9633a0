// Compiles the TypeScript and puts each node's editor HTML, message catalogs and icons
// beside its compiled .js, where Node-RED looks for them.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist");
const nodesOut = path.join(out, "nodes");

// `--nodes` compiles only the nodes (what `npm start` needs), not the tests and benchmarks.
const nodesOnly = process.argv.includes("--nodes");
fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, nodesOnly ? "tsconfig.nodes.json" : "tsconfig.json")], { stdio: "inherit" });

for (const file of fs.readdirSync(path.join(root, "nodes"))) {
  if (file.endsWith(".html")) fs.copyFileSync(path.join(root, "nodes", file), path.join(nodesOut, file));
}
fs.cpSync(path.join(root, "locales"), path.join(nodesOut, "locales"), { recursive: true });
fs.cpSync(path.join(root, "icons"), path.join(nodesOut, "icons"), { recursive: true });
