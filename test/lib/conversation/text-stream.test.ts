import assert from "assert";
import type { ContentBlock, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { TextStream, type Clock, type TextPart } from "../../../nodes/lib/conversation/text-stream";
import { answerText } from "../../../nodes/lib/conversation/turn";

/** A clock the test moves by hand: timers fire only when it is advanced past their time. */
class FakeClock implements Clock {
  time = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get waiting(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}

/** The raw events of one streamed answer with these blocks, text in the given pieces. */
function events(blocks: Array<{ type: string; pieces?: string[] }>): RawMessageStreamEvent[] {
  const out: any[] = [{ type: "message_start", message: { content: [] } }];
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const text of block.pieces ?? []) out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
    } else {
      out.push({ type: "content_block_start", index, content_block: { type: block.type } });
      if (block.type === "thinking") out.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: "hmm" } });
    }
    out.push({ type: "content_block_stop", index });
  });
  out.push({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: {} }, { type: "message_stop" });
  return out;
}

function setup(intervalMs = 100) {
  const clock = new FakeClock();
  const parts: Array<TextPart & { at: number }> = [];
  const stream = new TextStream((part) => parts.push({ ...part, at: clock.now() }), intervalMs, clock);
  return { clock, parts, stream };
}

const text = (...pieces: string[]) => ({ type: "text", pieces });

describe("text stream", () => {
  it("sends the first text at once, then at most one part per interval, the rest when the turn ends", () => {
    const { clock, parts, stream } = setup(100);
    const all = events([text("He", "llo", " there", ", how", " are", " you?")]);
    stream.event(all[0]);
    stream.event(all[1]);
    stream.event(all[2]); // "He"
    assert.deepStrictEqual(parts.map((p) => p.text), ["He"], "the first text does not wait");
    clock.advance(30);
    stream.event(all[3]); // "llo"
    clock.advance(30);
    stream.event(all[4]); // " there"
    assert.strictEqual(parts.length, 1, "nothing more inside the interval");
    clock.advance(40);
    assert.deepStrictEqual(parts.map((p) => [p.text, p.at]), [["He", 0], ["llo there", 100]], "the gathered text goes out when the interval is over");
    clock.advance(250); // a quiet moment: the next text goes out at once
    stream.event(all[5]); // ", how"
    assert.strictEqual(parts[2].text, ", how");
    assert.strictEqual(parts[2].at, 350);
    stream.event(all[6]); // " are"
    stream.event(all[7]); // " you?"
    clock.advance(10);
    for (const e of all.slice(8)) stream.event(e);
    stream.finish();
    assert.deepStrictEqual(
      parts.map((p) => [p.text, p.index, p.last]),
      [["He", 0, false], ["llo there", 1, false], [", how", 2, false], [" are you?", 3, true]],
    );
    assert.strictEqual(clock.waiting, 0, "no timer left after the end");
    clock.advance(1000);
    assert.strictEqual(parts.length, 4, "nothing after the last part");
  });

  it("sends a last empty part when everything was already sent", () => {
    const { clock, parts, stream } = setup(100);
    for (const e of events([text("Hi")])) stream.event(e);
    clock.advance(500);
    stream.finish();
    assert.deepStrictEqual(parts.map((p) => [p.text, p.last]), [["Hi", false], ["", true]]);
  });

  it("adds up to answerText over the rounds, server tools and thinking of a turn, in order", () => {
    const { clock, parts, stream } = setup(50);
    const answers: any[][] = [
      [{ type: "thinking" }, text("Let me ", "check."), { type: "tool_use" }],
      [text("Searching", "."), { type: "server_tool_use" }, { type: "web_search_tool_result" }, text(""), text("It is ", "sunny"), text(".")],
      [{ type: "server_tool_use" }],
      [text("Done", "!")],
    ];
    for (const blocks of answers) {
      for (const e of events(blocks)) {
        stream.event(e);
        clock.advance(7);
      }
    }
    stream.finish();
    const blocks = answers.flat().map((b) => (b.type === "text" ? { type: "text", text: (b.pieces ?? []).join("") } : { type: b.type })) as ContentBlock[];
    const expected = answerText(blocks);
    assert.strictEqual(expected, "Let me check.\n\nSearching.\n\nIt is sunny.\n\nDone!");
    assert.strictEqual(parts.map((p) => p.text).join(""), expected);
    assert.ok(parts.length > 2 && parts.length < 20, `paced: ${parts.length} parts`);
    assert.deepStrictEqual(parts.map((p) => p.index), parts.map((_, i) => i));
    assert.deepStrictEqual(parts.map((p) => p.last), parts.map((_, i) => i === parts.length - 1));
  });

  it("ends a failed turn with the notice, after the text gathered so far", () => {
    const { clock, parts, stream } = setup(100);
    const all = events([text("Part one", " and two")]);
    for (const e of all.slice(0, 4)) stream.event(e);
    stream.fail("(The answer failed: overloaded)");
    assert.deepStrictEqual(parts, [
      { text: "Part one", index: 0, last: false, at: 0 },
      { text: " and two\n\n(The answer failed: overloaded)", index: 1, last: true, failed: true, at: 0 },
    ]);
    clock.advance(1000);
    stream.event(all[4]);
    stream.finish();
    assert.strictEqual(parts.length, 2, "nothing after the end");
    const early = setup(100);
    early.stream.fail("(failed)");
    assert.deepStrictEqual(early.parts.map((p) => p.text), ["(failed)"], "no paragraph break before a notice with nothing before it");
  });

  it("forgets the unsent text of a request sent again, and refuses once some of it went out", () => {
    const { clock, parts, stream } = setup(100);
    for (const e of events([text("First answer.")])) stream.event(e);
    clock.advance(10);
    // a second round whose stream fails before its text was sent
    const round = events([{ type: "tool_use" }, text("Abandoned")]);
    for (const e of round.slice(0, 6)) stream.event(e);
    assert.strictEqual(parts.length, 1);
    assert.strictEqual(stream.restartRequest(), true);
    for (const e of events([{ type: "tool_use" }, text("Kept")])) stream.event(e);
    stream.finish();
    assert.strictEqual(parts.map((p) => p.text).join(""), "First answer.\n\nKept");

    const sent = setup(100);
    const all = events([text("Gone out")]);
    for (const e of all.slice(0, 3)) sent.stream.event(e);
    assert.strictEqual(sent.parts.length, 1);
    assert.strictEqual(sent.stream.restartRequest(), false, "text of this request has been sent");
  });

  it("stops without sending anything more", () => {
    const { clock, parts, stream } = setup(100);
    const all = events([text("a", "b")]);
    for (const e of all.slice(0, 4)) stream.event(e);
    stream.stop();
    assert.strictEqual(clock.waiting, 0);
    clock.advance(500);
    stream.finish();
    assert.deepStrictEqual(parts.map((p) => p.text), ["a"]);
  });
});
