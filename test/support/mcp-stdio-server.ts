// A small MCP server over stdio for tests, run as its own process. Tools: Echo (answers its text),
// Crash (the process exits at once), AddTool (adds a tool and tells the client its list changed),
// Picture (a 1×1 PNG). Each start appends a line to the file named by MCP_STARTS_FILE, so tests
// can count how often it was started.
import { appendFileSync } from "fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

// The file comes from the environment or, for a command line typed in a node, from `--starts <file>`.
const startsFile = process.env.MCP_STARTS_FILE ?? process.argv[process.argv.indexOf("--starts") + 1];
if (process.argv.includes("--starts") || process.env.MCP_STARTS_FILE) appendFileSync(startsFile!, `${process.pid}\n`);

const tools: Tool[] = [
  { name: "Echo", description: "Answers with its text.", inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } },
  { name: "Crash", description: "Ends the server process.", inputSchema: { type: "object", properties: {} } },
  { name: "AddTool", description: "Adds a tool named Added.", inputSchema: { type: "object", properties: {} } },
  { name: "Picture", description: "A tiny picture.", inputSchema: { type: "object", properties: {} } },
];

const server = new Server({ name: "stdio-test", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } }, instructions: "Use Echo to repeat text." });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = (request.params.arguments ?? {}) as Record<string, unknown>;
  switch (request.params.name) {
    case "Echo":
      return { content: [{ type: "text", text: String(args.text) }], structuredContent: { echoed: args.text } };
    case "Crash":
      process.stderr.write("opening /dev/ttyUSB0\nfatal: the Zigbee stick is gone\n", () => process.exit(3));
      return new Promise(() => undefined);
    case "AddTool":
      if (!tools.some((t) => t.name === "Added")) tools.push({ name: "Added", description: "Added later.", inputSchema: { type: "object", properties: {} } });
      await server.sendToolListChanged();
      return { content: [{ type: "text", text: "added" }] };
    case "Picture":
      return { content: [{ type: "image", data: PNG_1X1, mimeType: "image/png" }, { type: "audio", data: "AAAA", mimeType: "audio/wav" }] };
    case "Added":
      return { content: [{ type: "text", text: "the added tool ran" }] };
    default:
      return { isError: true, content: [{ type: "text", text: `no tool ${request.params.name}` }] };
  }
});
server.connect(new StdioServerTransport()).catch(() => process.exit(1));
// The client ends the server by closing its stdin.
process.stdin.on("end", () => process.exit(0));
