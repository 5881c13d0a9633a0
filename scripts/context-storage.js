// The context stores `npm start` configures, and the crash test checks (test/crash.test.ts):
// - default: memory, read and written at once, lost on restart (function nodes can use it synchronously);
// - file: Node-RED's usual file store, cached in memory and written every 30 s (a crash loses the last 30 s);
// - durable: every write on disk before it is reported done, so a crash right after an answer loses nothing.
//   Conversations and the daily token count go here. It has a directory of its own: two stores must not
//   share one, or each overwrites the other's files.
"use strict";
module.exports = {
  default: { module: "memory" },
  file: { module: "localfilesystem" },
  durable: { module: "localfilesystem", config: { cache: false, base: "context-durable" } },
};
