// Every language is complete, and every text the editor and runtime show comes from a catalog.
// Runs over every node the package declares, so a new node is checked without touching this file.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./support/paths";

const LOCALES = path.join(REPO_ROOT, "locales");
const LANGUAGES = ["en-US", "de"];
const HELP_SECTIONS: Record<string, { inputs: string; outputs: string; always: string[] }> = {
  "en-US": { inputs: "Inputs", outputs: "Outputs", always: ["Details", "References"] },
  de: { inputs: "Eingaben", outputs: "Ausgaben", always: ["Details", "Referenzen"] },
};

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
/** Node types by their file name: each node file registers the type named like it. */
const NODE_TYPES = Object.values(pkg["node-red"].nodes as Record<string, string>).map((file) => path.basename(file, ".js"));
/** The config node's catalog holds every runtime message (errors, warnings, status) of every node. */
const RUNTIME_CATALOG = "claude-config";

function catalog(lang: string, name: string): any {
  return JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${name}.json`), "utf8"));
}

/** "a.b.c" → text, for every string leaf of a catalog. */
function flatten(value: any, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  for (const [key, child] of Object.entries(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof child === "string") out[full] = child;
    else if (child && typeof child === "object") flatten(child, full, out);
    else assert.fail(`${full} is neither text nor a group`);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...new Set(text.match(/__\w+__/g) ?? [])].sort();
}

function nodeHtml(type: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, "nodes", `${type}.html`), "utf8");
}

/** The catalog keys an editor file uses: data-i18n attributes (with [attr] prefixes) and _("...") calls. */
function editorKeys(html: string): string[] {
  const keys = new Set<string>();
  for (const [, attr] of html.matchAll(/data-i18n="([^"]+)"/g)) {
    for (const part of attr.split(";")) keys.add(part.replace(/^\[[^\]]+\]/, "").trim());
  }
  for (const [, key] of html.matchAll(/\b_\(\s*["']([^"']+)["']/g)) keys.add(key);
  return [...keys];
}

/** Runtime catalog keys named in the TypeScript sources ("errors.x", "warnings.x", "status.x"). */
function runtimeKeys(): string[] {
  const keys = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) {
        for (const [, key] of fs.readFileSync(file, "utf8").matchAll(/["'`]((?:errors|warnings|status)\.[a-z0-9-]+)["'`]/g)) keys.add(key);
      }
    }
  };
  walk(path.join(REPO_ROOT, "nodes"));
  return [...keys];
}

/** Catalog keys of the shared editor scripts in resources/: they read the runtime catalog. */
function sharedEditorKeys(): string[] {
  const dir = path.join(REPO_ROOT, "resources");
  const keys = new Set<string>();
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".js")) : []) {
    for (const [, key] of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/["']((?:editor|errors)\.[a-z0-9-]+)["']/g)) keys.add(key);
  }
  return [...keys];
}

describe("languages and help", function () {
  it("declares at least the account and conversation nodes", () => {
    for (const type of ["claude-config", "claude-conversation"]) assert.ok(NODE_TYPES.includes(type), type);
  });

  for (const lang of LANGUAGES.slice(1)) {
    it(`${lang} has every catalog file of en-US, with the same keys and the same placeholders`, () => {
      const english = fs.readdirSync(path.join(LOCALES, "en-US")).filter((f) => f.endsWith(".json")).sort();
      const other = fs.readdirSync(path.join(LOCALES, lang)).filter((f) => f.endsWith(".json")).sort();
      assert.deepStrictEqual(other, english, `catalog files of ${lang}`);
      for (const file of english) {
        const name = file.replace(/\.json$/, "");
        const en = flatten(catalog("en-US", name));
        const translated = flatten(catalog(lang, name));
        const missing = Object.keys(en).filter((k) => !(k in translated));
        const extra = Object.keys(translated).filter((k) => !(k in en));
        assert.deepStrictEqual(missing, [], `${lang}/${file} lacks keys`);
        assert.deepStrictEqual(extra, [], `${lang}/${file} has keys en-US does not`);
        for (const key of Object.keys(en)) {
          assert.deepStrictEqual(placeholders(translated[key]), placeholders(en[key]), `${lang}/${file} ${key}: placeholders`);
          assert.ok(translated[key].trim(), `${lang}/${file} ${key} is empty`);
        }
      }
    });
  }

  for (const type of NODE_TYPES) {
    describe(type, () => {
      for (const lang of LANGUAGES) {
        it(`has every key its editor uses in ${lang}`, () => {
          const keys = flatten(catalog(lang, type));
          const used = editorKeys(nodeHtml(type));
          assert.ok(used.length > 0);
          const missing = used.filter((key) => !(key in keys));
          assert.deepStrictEqual(missing, [], `${lang}/${type}.json lacks keys used in nodes/${type}.html`);
        });

        it(`has help in ${lang} in Node-RED's style`, () => {
          const file = path.join(LOCALES, lang, `${type}.html`);
          assert.ok(fs.existsSync(file), `${file} is missing`);
          const help = fs.readFileSync(file, "utf8");
          assert.match(help, new RegExp(`<script type="text/html" data-help-name="${type}">`));
          const headings = [...help.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
          const ports = (name: string) => Number(new RegExp(`\\b${name}:\\s*(\\d+)`).exec(nodeHtml(type))?.[1] ?? 0);
          const sections = HELP_SECTIONS[lang];
          const wanted = [...(ports("inputs") ? [sections.inputs] : []), ...(ports("outputs") ? [sections.outputs] : []), ...sections.always];
          for (const section of wanted) assert.ok(headings.includes(section), `${lang} help of ${type} lacks "${section}": ${headings.join(", ")}`);
        });
      }

      it("shows no hard-coded text in its edit dialog: every word comes from the catalog", () => {
        const template = new RegExp(`<script type="text/html" data-template-name="${type}">([\\s\\S]*?)</script>`).exec(nodeHtml(type));
        assert.ok(template, "edit dialog template");
        const text = template[1]
          .replace(/<style>[\s\S]*?<\/style>/g, "")
          .replace(/<[^>]+>/g, " ")
          .trim();
        assert.strictEqual(text, "", `text outside the catalog: ${text}`);
        assert.doesNotMatch(template[1], /\s(title|placeholder)="/, "titles and placeholders come from data-i18n");
      });
    });
  }

  for (const lang of LANGUAGES) {
    it(`has every text the shared editor script uses in ${lang}`, () => {
      const keys = flatten(catalog(lang, RUNTIME_CATALOG));
      const used = sharedEditorKeys();
      assert.ok(used.includes("editor.schema-ok"), "the scan finds the shared editor keys");
      assert.deepStrictEqual(used.filter((key) => !(key in keys)), [], `${lang}/${RUNTIME_CATALOG}.json lacks shared editor texts`);
    });

    it(`has every runtime message the code names in ${lang}`, () => {
      const keys = flatten(catalog(lang, RUNTIME_CATALOG));
      const used = runtimeKeys();
      assert.ok(used.includes("errors.unauthorized"), "the scan finds the runtime keys");
      const missing = used.filter((key) => !(key in keys));
      assert.deepStrictEqual(missing, [], `${lang}/${RUNTIME_CATALOG}.json lacks runtime messages`);
    });
  }

  for (const lang of LANGUAGES) {
    it(`gives the conversation node one name in ${lang}: palette (and so dialog and help title), canvas and help`, () => {
      const texts = catalog(lang, "claude-conversation")["claude-conversation"];
      assert.ok(texts.paletteLabel, "a palette label");
      assert.strictEqual(texts.defaultLabel, texts.paletteLabel, "the canvas label of an unnamed node");
      assert.match(nodeHtml("claude-conversation"), /label: function \(\) \{\s*return this\.name \|\| this\._\("claude-conversation\.defaultLabel"\)/);
      const help = fs.readFileSync(path.join(LOCALES, lang, "claude-conversation.html"), "utf8");
      assert.match(help.match(/<p>([\s\S]*?)<\/p>/)![1], new RegExp(`^<b>${texts.paletteLabel}</b>[:,]`), "the help opens with the name");
      if (lang === "en-US") {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.ok(readme.includes(`| ${texts.paletteLabel} (\`claude-conversation\`) | **${texts.paletteLabel}** (Claude) |`), "the README's node table");
        assert.ok(readme.includes(`Drag a **${texts.paletteLabel}** node`), "the README's Quick start");
      }
    });
  }

  it("says in the chat node's help where conversations can be seen: the Context sidebar", () => {
    const where: Record<string, RegExp> = { "en-US": /Where to see conversations:<\/b> the Context sidebar/, de: /Wo Konversationen zu sehen sind:<\/b> die Seitenleiste „Kontextdaten"/ };
    for (const lang of LANGUAGES) assert.match(fs.readFileSync(path.join(LOCALES, lang, "claude-conversation.html"), "utf8"), where[lang], lang);
  });
});
