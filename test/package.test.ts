// The package as npm ships it: the tarball's files, loaded by a real Node-RED from its user dir.
import assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ARTIFACTS_DIR, REPO_ROOT } from "./support/paths";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";

const pkg = require(path.join(REPO_ROOT, "package.json"));

function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" });
  return JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
}

describe("the packaged module", function () {
  this.timeout(90_000);
  let files: string[];
  let red: NodeRedProcess | undefined;

  before(() => {
    files = packedFiles();
  });
  after(async () => {
    await red?.stop();
  });

  it("ships each node's code, editor HTML, catalogs, help and icons side by side, and no tests", () => {
    for (const [type, entry] of Object.entries<string>(pkg["node-red"].nodes)) {
      const dir = path.dirname(entry);
      assert.ok(files.includes(entry), `${entry} is packed`);
      assert.ok(files.includes(entry.replace(/\.js$/, ".html")), `${type}'s editor HTML is packed`);
      assert.ok(files.includes(`${dir}/locales/en-US/${type}.json`), `${type}'s catalog is packed`);
    }
    assert.ok(files.some((f) => /^dist\/nodes\/icons\/.+\.svg$/.test(f)), "icons are packed");
    assert.ok(files.includes("LICENSE") && files.includes("README.md") && files.includes("package.json"));
    assert.ok(!files.some((f) => f.startsWith("dist/test/") || f.startsWith("test/")), "tests stay out");
  });

  it("npm start compiles only the nodes, not the tests and benchmarks", () => {
    assert.match(pkg.scripts.start, /scripts\/build\.js --nodes && /);
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
    const listed = execFileSync(process.execPath, [tsc, "-p", path.join(REPO_ROOT, "tsconfig.nodes.json"), "--listFilesOnly"], { cwd: REPO_ROOT, encoding: "utf8" })
      .split("\n")
      .map((f) => path.relative(REPO_ROOT, f.trim()))
      .filter((f) => f && !f.startsWith("node_modules") && !f.startsWith(".."));
    assert.ok(listed.some((f) => f.startsWith("nodes/")), "the nodes are compiled");
    assert.deepStrictEqual(listed.filter((f) => !f.startsWith("nodes/")), [], "nothing but the nodes");
  });

  it("ships a source map only with the sources it points to", () => {
    const maps = files.filter((f) => f.endsWith(".map"));
    for (const map of maps) {
      const { sources = [], sourcesContent = [] } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, map), "utf8"));
      sources.forEach((source: string, i: number) => {
        const shipped = files.includes(path.posix.join(path.posix.dirname(map), source));
        assert.ok(shipped || typeof sourcesContent[i] === "string", `${map} points to ${source}, which is not in the package`);
      });
    }
    // Today the package ships neither.
    assert.deepStrictEqual(maps, []);
  });

  it("declares what Node-RED and the flow library look for", () => {
    assert.ok(pkg.keywords.includes("node-red"));
    assert.ok(pkg["node-red"].version);
    assert.ok(pkg.engines.node);
    assert.ok(pkg.license && pkg.repository);
    assert.ok(Object.keys(pkg.dependencies).length <= 6);
    assert.ok(!pkg.dependencies["node-red"]);
  });

  it("loads from the unpacked tarball into a real Node-RED, with editor, help, catalogs and icons", async () => {
    // Unpack the real tarball inside the repository so its dependencies resolve from our node_modules.
    const work = path.join(ARTIFACTS_DIR, "packaged");
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: REPO_ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
    const moduleDir = path.join(work, "package");
    execFileSync("tar", ["-xzf", path.join(work, tarball), "-C", work]);
    red = await startNodeRed({ packages: [moduleDir] });

    const nodes = await (await fetch(`${red.url}/nodes`, { headers: { accept: "application/json" } })).json();
    const ours = nodes.filter((set: any) => set.module === pkg.name);
    assert.deepStrictEqual(ours.map((s: any) => s.name).sort(), Object.keys(pkg["node-red"].nodes).sort());
    for (const set of ours) {
      assert.strictEqual(set.enabled, true);
      assert.strictEqual(set.err, undefined, `${set.name} loaded without error`);
    }

    const html = await (await fetch(`${red.url}/nodes`, { headers: { accept: "text/html" } })).text();
    for (const type of Object.keys(pkg["node-red"].nodes)) {
      assert.ok(html.includes(`data-template-name="${type}"`), `${type} editor template is served`);
      assert.ok(html.includes(`data-help-name="${type}"`), `${type} help is served`);
    }

    const catalog = await (await fetch(`${red.url}/locales/${pkg.name}/claude-config?lng=en-US`)).json();
    assert.match(catalog.errors.unauthorized, /API key was refused/);
    // Node-RED answers an unknown icon with its default one, so compare the bytes.
    for (const file of fs.readdirSync(path.join(moduleDir, "dist/nodes/icons"))) {
      const served: Response = await fetch(`${red.url}/icons/${pkg.name}/${file}`);
      assert.strictEqual(await served.text(), fs.readFileSync(path.join(REPO_ROOT, "icons", file), "utf8"), `${file} is served`);
    }
  });
});
