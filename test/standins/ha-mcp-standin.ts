// A stand-in for Home Assistant's MCP server (integration `mcp_server`), built with the official
// MCP SDK's server side and shaped like Home Assistant's: Streamable HTTP at `/api/mcp`, stateless
// (a new server per request, JSON answers), a bearer token, the Assist tools and the "Assist" prompt.
// It records every tool call with the Authorization header it came with. Either serves on its own
// loopback port (start) or is mounted on the Home Assistant stand-in (`handle`).
import http from "http";
import { closeServer, listenOnLoopback } from "./loopback";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";

export interface RecordedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  authorization: string | undefined;
}

export type ToolHandler = (args: Record<string, unknown>, signal: AbortSignal) => CallToolResult | Promise<CallToolResult>;

const TARGET = {
  name: { type: "string", description: "Name of a device or entity" },
  area: { type: "string", description: "Name of an area" },
  floor: { type: "string", description: "Name of a floor" },
  domain: { type: "array", items: { type: "string" } },
  device_class: { type: "array", items: { type: "string" } },
};

/** Home Assistant's Assist tools as its MCP server lists them. */
export const ASSIST_TOOLS: Tool[] = [
  { name: "HassTurnOn", description: "Turns on/opens/presses a device or entity.", inputSchema: { type: "object", properties: { ...TARGET } } },
  { name: "HassTurnOff", description: "Turns off/closes a device or entity.", inputSchema: { type: "object", properties: { ...TARGET } } },
  {
    name: "HassLightSet",
    description: "Sets the brightness percentage or color of a light.",
    inputSchema: { type: "object", properties: { ...TARGET, brightness: { type: "integer", minimum: 0, maximum: 100 }, color: { type: "string" } } },
  },
  { name: "GetLiveContext", description: "Provides real-time information about the CURRENT state of the home.", inputSchema: { type: "object", properties: {} } },
];

export const ASSIST_PROMPT = [
  "You are a voice assistant for Home Assistant.",
  "Answer questions about the world truthfully.",
  "Static Context: An overview of the areas and the devices in this smart home:",
  "- names: Kitchen Light\n  domain: light\n  areas: Kitchen",
  "- names: Living Room Lamp\n  domain: light\n  areas: Living Room",
].join("\n");

export class HaMcpStandIn {
  readonly calls: RecordedToolCall[] = [];
  /** Requests that reached `/api/mcp`, with or without a valid token. */
  requests = 0;
  /** tools/list requests answered. */
  listings = 0;
  tools: Tool[] = structuredClone(ASSIST_TOOLS);
  prompt = ASSIST_PROMPT;
  /** Answers by tool name; a tool without one answers like Home Assistant's intent tools do. */
  handlers: Record<string, ToolHandler> = {};
  #server?: http.Server;
  #port = 0;

  /** Requests whose answer is not finished yet (a tool still running). */
  openRequests = 0;

  /** `token` may be changed to act as a revoked token. */
  constructor(public token: string) {}

  get url(): string {
    if (!this.#server) throw new Error("stand-in not started");
    return `http://127.0.0.1:${this.#port}/api/mcp`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      if (new URL(req.url ?? "/", "http://127.0.0.1").pathname === "/api/mcp") this.handle(req, res);
      else res.writeHead(404).end();
    });
    this.#port = await listenOnLoopback(server, port);
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await closeServer(server);
  }

  /** Serves one request to `/api/mcp`, as Home Assistant's MCP server view does. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    this.openRequests++;
    res.once("close", () => this.openRequests--);
    const authorization = req.headers.authorization;
    if (authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, { "Content-Type": "text/plain" }).end("401: Unauthorized");
      return;
    }
    // Home Assistant's server is stateless: no standalone stream for server messages.
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "POST" }).end();
      return;
    }
    const server = this.#mcpServer(authorization);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      transport.close().catch(() => undefined);
      server.close().catch(() => undefined);
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  }

  #mcpServer(authorization: string | undefined): Server {
    const server = new Server({ name: "home-assistant", version: "2026.12.0" }, { capabilities: { tools: {}, prompts: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => {
      this.listings++;
      return { tools: this.tools };
    });
    server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [{ name: "Assist", description: "Default prompt for Home Assistant Assist API" }] }));
    server.setRequestHandler(GetPromptRequestSchema, (request) => {
      if (request.params.name !== "Assist") throw new Error(`unknown prompt ${request.params.name}`);
      return { description: "Default prompt for Home Assistant Assist API", messages: [{ role: "assistant", content: { type: "text", text: this.prompt } }] };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const { name } = request.params;
      const args = (request.params.arguments ?? {}) as Record<string, unknown>;
      this.calls.push({ name, arguments: args, authorization });
      const handler = this.handlers[name];
      if (handler) return handler(args, extra.signal);
      if (!this.tools.some((t) => t.name === name)) return { isError: true, content: [{ type: "text", text: `Tool ${name} not found` }] };
      const result = { speech: {}, response_type: "action_done", data: { targets: [], success: [{ name: String(args.name ?? args.area ?? ""), type: "entity" }], failed: [] } };
      return { content: [{ type: "text", text: JSON.stringify(result) }] };
    });
    return server;
  }
}
