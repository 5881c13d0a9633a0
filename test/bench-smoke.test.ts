// Runs every benchmark with tiny numbers (`run.js --smoke`) to prove the benchmark code works and
// counts what it claims to. Assertions are on counts and token arithmetic, never on timings.
import assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Results } from "../bench/run";
import { price } from "../bench/cost";
import { REPO_ROOT } from "./support/paths";

describe("benchmarks (smoke run)", function () {
  this.timeout(120_000);
  let results: Results;
  let table: string;

  before(async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nrc-bench-smoke-")), "results.json");
    table = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.join(REPO_ROOT, "dist/bench/run.js"), "--smoke", "--json", file], { timeout: 110_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      ),
    );
    results = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("prints a table for each benchmark", () => {
    for (const title of ["### 1. Overhead", "### 2. Concurrency", "### 3. Memory", "### 4. Cost of a conversation", "### 5. Tool loop", "### 6. MCP tool calls", "### 7. Streaming out", "### 8. Durable store", "### 9. A household conversation"]) assert.ok(table.includes(title), title);
  });

  it("overhead: every message went through the flow and directly, and both were measured", () => {
    const r = results.overhead!;
    assert.strictEqual(r.flow.answered, r.options.messages);
    assert.strictEqual(r.direct.answered, r.options.messages);
    for (const v of [r.flow.wallMs, r.direct.wallMs, r.flow.cpuMs, r.direct.cpuMs, r.wallRatio]) assert.ok(Number.isFinite(v) && v > 0);
  });

  it("mcp: every call answered through the source and directly, and the tool list asked for once", () => {
    const r = results.mcp!;
    assert.strictEqual(r.source.correct, r.options.calls * r.options.rounds);
    assert.strictEqual(r.direct.correct, r.options.calls * r.options.rounds);
    assert.strictEqual(r.listings, 1, "the kept list serves every turn");
    assert.strictEqual(r.flowListings, 1, "one tools/list for every turn of a deploy");
    assert.strictEqual(r.offered, r.options.flowTurns + 1, "every turn with the server offered its tools (warm-up included)");
    assert.ok(r.turnsPerSecond.withMcp > 0 && r.turnsPerSecond.without > 0);
    assert.ok(Number.isFinite(r.ratio) && r.ratio > 0);
  });

  it("concurrency: every turn of every conversation answered with its own history", () => {
    const r = results.concurrency!;
    assert.strictEqual(r.flow.requests, r.options.conversations * r.options.turns);
    assert.strictEqual(r.flow.crossTalk, 0);
    assert.strictEqual(r.direct.crossTalk, 0);
    assert.ok(r.flow.p99Ms >= r.flow.p50Ms);
  });

  it("memory: stores one conversation per id, caps long ones, and expires them all", () => {
    const r = results.memory!;
    assert.strictEqual(r.storedCount, r.options.conversations);
    // 25 turns are 50 messages. With the default whole-conversation caching, the 21st turn (42
    // messages, over the cap of 40) trims to half the cap (20), and 4 more turns add 8.
    assert.strictEqual(r.longestHistory, 28);
    assert.strictEqual(r.leftAfterExpiry, 0);
  });

  it("tool loop: every call went through the flow and directly, and its result came back as the function returned it", () => {
    const r = results.toolLoop!;
    const loops = r.options.turns * r.options.rounds;
    assert.deepStrictEqual([r.flow.loops, r.flow.correct, r.direct.loops, r.direct.correct], [loops, loops, loops, loops]);
  });

  it("streaming: timed every turn on both sides, and the long answer's messages add up to it, paced", () => {
    const r = results.streaming!;
    const turns = r.options.turns * r.options.rounds;
    assert.deepStrictEqual([r.node.turns, r.fn.turns], [turns, turns]);
    for (const v of [r.node.p50Ms, r.fn.p50Ms, r.ratio]) assert.ok(Number.isFinite(v) && v >= 0, String(v));
    assert.strictEqual(r.long.joinedEqualsAnswer, true);
    assert.strictEqual(r.long.textEvents, 25);
    assert.ok(r.long.messages >= 2 && r.long.messages < r.long.textEvents, `${r.long.messages} messages`);
  });

  it("durable store: a row per node size, with a context file that grows with the conversations", () => {
    const r = results.durableStore!;
    assert.deepStrictEqual(r.rows.map((row) => row.conversations), r.options.conversations);
    assert.ok(r.rows[1].fileBytes > r.rows[0].fileBytes * 2, "the file holds every conversation of the node");
    for (const v of [...r.rows.flatMap((row) => [row.p50Ms, row.p99Ms]), r.countP50Ms]) assert.ok(Number.isFinite(v) && v > 0);
  });

  it("cost: prices each turn as input + 1.25 × writes + 0.1 × reads", () => {
    assert.strictEqual(price({ input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 }), 10 + 125 + 100);
  });

  it("cost: the caching model gives the hand-checked numbers for each strategy", () => {
    // 100-token system prompt, 10-token questions, 20-token answers, 50-token minimum, 3 turns.
    const r = results.cost!;
    const turns = (caching: string) => r.strategies.find((s) => s.caching === caching)!.turns.map(({ input, write, read }) => [input, write, read]);
    // No caching: everything is input, growing by one question and one answer a turn.
    assert.deepStrictEqual(turns("off"), [[110, 0, 0], [140, 0, 0], [170, 0, 0]]);
    // System breakpoint only: the system prompt is written once and read after; the messages stay input.
    assert.deepStrictEqual(turns("system"), [[10, 100, 0], [40, 0, 100], [70, 0, 100]]);
    // System breakpoint plus the automatic one on the last block: each turn reads the previous turn's
    // prompt and writes only its new answer and question.
    assert.deepStrictEqual(turns("conversation"), [[0, 110, 0], [0, 30, 110], [0, 30, 140]]);
    const total = (caching: string) => r.strategies.find((s) => s.caching === caching)!.total;
    assert.strictEqual(total("off"), 420);
    assert.strictEqual(total("system"), 135 + 50 + 80);
    assert.strictEqual(total("conversation"), 137.5 + 48.5 + 51.5);
    assert.strictEqual(r.defaultVsHa["claude-haiku-4-5"], 237.5 / 265);
    assert.strictEqual(r.defaultVsHaLastTurn["claude-haiku-4-5"], 51.5 / 80);
  });

  it("household: every turn priced, the full history reaches the window, the default never fails there", () => {
    const r = results.household!;
    assert.strictEqual(r.ha.perTurn.length, r.options.turns);
    assert.strictEqual(r.ours.perTurn.length, r.options.turns);
    assert.ok(r.ha.atWindow >= 1, "Home Assistant's full history reached the window the stand-in enforces");
    assert.strictEqual(r.ours.failed, 0);
    assert.strictEqual(r.ours.atWindow, 0, "the default's token cap keeps it clear of the window");
    assert.ok(Math.abs(r.ratio - r.ours.total / r.ha.total) < 1e-9);
    assert.strictEqual(r.summarised.perTurn.length, r.options.turns);
    assert.strictEqual(r.summarised.failed, 0, "with compaction, no turn fails either");
    assert.ok(Math.abs(r.summarisedRatio - r.summarised.total / r.ha.total) < 1e-9);
  });
});
