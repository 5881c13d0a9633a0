import * as fs from "fs";
import * as path from "path";

// Compiled helpers live in dist/test/support/, sources in test/support/: walk up to the
// directory holding package.json so both resolve the same repository root.
function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json")) && fs.existsSync(path.join(d, "tsconfig.json"))) return d;
    if (path.dirname(d) === d) throw new Error(`no repository root above ${dir}`);
  }
}

export const REPO_ROOT = findRoot(__dirname);
/** Git-ignored output of tests: screenshots, caches, logs. */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, "test-artifacts");
