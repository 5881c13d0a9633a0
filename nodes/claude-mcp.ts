// "MCP server": a Model Context Protocol server whose tools conversations may use: Home Assistant's
// through its server config node, any server by URL and token, or a local one over stdio. Owns the
// one session its conversations share; a deploy fetches the tool list again, closing ends the session.
import type { NodeAPI, NodeDef } from "node-red";
import { editorNumber } from "./lib/api/editor-values";
import { McpToolSource } from "./lib/mcp/mcp-source";
import { McpSession } from "./lib/mcp/session";
import { MCP_DEFAULTS } from "./lib/defaults";
import { connectionOf, resolveServer, type ClaudeMcpNode, type McpSettings } from "./runtime/mcp-node";
import { registerMcpRoutes } from "./runtime/mcp-routes";
import { t, translate } from "./runtime/messages";
import { toolSources } from "./runtime/tool-sources";

interface McpDef extends NodeDef, McpSettings {
  tools?: string[] | string;
  timeout?: string | number;
  addInstructions?: boolean | string;
}

const { version } = require("../../package.json") as { version: string };

export = function (RED: NodeAPI) {
  function ClaudeMcp(this: ClaudeMcpNode, def: McpDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const connection = connectionOf(def);
    const label = def.name || (connection === "ha" ? "Home Assistant" : def.url || def.command || node.id);
    const timeoutSeconds = editorNumber(def.timeout, MCP_DEFAULTS.timeout, { positive: true });
    // Tool names are kept as the server spells them: editorList would make them lower case.
    const allowed = (Array.isArray(def.tools) ? def.tools : String(def.tools ?? "").split(/[\n,]/)).map((n) => String(n).trim()).filter(Boolean);
    const addInstructions = def.addInstructions === undefined || def.addInstructions === "" ? connection === "ha" : def.addInstructions === true || def.addInstructions === "true";
    try {
      const server = resolveServer(RED, def, node.credentials ?? {});
      const session = new McpSession({ endpoint: server.endpoint, timeoutMs: timeoutSeconds * 1000, prompt: server.prompt, clientVersion: version });
      node.session = session;
      node.secrets = server.secrets;
      node.source = new McpToolSource(session, {
        label,
        allowed,
        addInstructions,
        timeoutSeconds,
        text: (key, params) => t(RED, key, params),
        resultTexts: {
          cut: (shown, total) => t(RED, "tool.result-cut", { shown, total }),
          empty: t(RED, "tool.result-empty"),
          omitted: (type) => t(RED, "tool.mcp-content-omitted", { type }),
        },
        warn: (text) => node.warn(text),
        secrets: server.secrets,
      });
    } catch (err) {
      node.problem = translate(RED, err).text;
      node.error(node.problem);
    }

    // Conversations find the server through the registry of tool sources, by this node's id.
    const unregister = node.source ? toolSources.add({ id: node.id, kind: "claude-mcp", source: node.source }) : () => undefined;

    // Every deploy fetches the list again (the server may have changed while the node kept running).
    const refresh = () => node.session?.refresh();
    RED.events.on("flows:started", refresh);

    node.on("close", (done: () => void) => {
      RED.events.removeListener("flows:started", refresh);
      unregister();
      const session = node.session;
      node.session = undefined;
      node.source = undefined;
      (session ? session.close() : Promise.resolve()).then(() => done(), () => done());
    });
  }

  RED.nodes.registerType("claude-mcp", ClaudeMcp as any, {
    credentials: { token: { type: "password" }, headers: { type: "password" } },
  });
  registerMcpRoutes(RED);
};
