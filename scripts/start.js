// `npm start`: a local Node-RED (the dev dependency) at http://127.0.0.1:1880 with this package loaded,
// its examples under Import > Examples, and its user directory in .node-red/ inside the repository.
// The build runs first (see package.json). PORT changes the port.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const userDir = path.join(root, ".node-red");
const pkg = require(path.join(root, "package.json"));
const port = Number(process.env.PORT) || 1880;

// Node-RED loads the packages in <userDir>/node_modules: link this repository there, so a rebuild
// (npm start again) is all it takes to see a change.
const link = path.join(userDir, "node_modules", pkg.name);
fs.mkdirSync(path.dirname(link), { recursive: true });
let linked = false;
try {
  linked = fs.realpathSync(link) === fs.realpathSync(root);
} catch {
  /* not there yet */
}
if (!linked) {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.relative(path.dirname(link), root), link, "dir");
}

// Settings of our own, rewritten on every start, so the editor is only ever reachable from this
// machine. Flows, credentials and context stay in .node-red/ between starts.
const settingsFile = path.join(userDir, "settings.js");
const settings = {
  uiHost: "127.0.0.1",
  uiPort: port,
  flowFile: "flows.json",
  userDir,
  contextStorage: require("./context-storage"),
  editorTheme: { projects: { enabled: false } },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
fs.writeFileSync(
  settingsFile,
  "// Written by scripts/start.js on every `npm start`; edit that script instead.\n" +
    `module.exports = ${JSON.stringify(settings, null, 2)};\n`,
);

const red = require.resolve("node-red/red.js", { paths: [root] });
const child = spawn(process.execPath, [red, "--settings", settingsFile, "--userDir", userDir], {
  cwd: root,
  stdio: "inherit",
});
console.log(`Starting Node-RED with ${pkg.name} at http://127.0.0.1:${port} (user directory ${path.relative(root, userDir)}/)`);

// Ctrl-C and service managers stop Node-RED cleanly (it stops the flows and flushes file context).
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
