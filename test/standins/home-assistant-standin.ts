// A stand-in Home Assistant for tests: the WebSocket API (and a little of the REST API) as
// home-assistant-js-websocket and node-red-contrib-home-assistant-websocket use it, on loopback.
// It keeps a small, configurable home (states, services, registries) and records what it is asked
// to do, so tests can assert on the calls a flow makes without a real Home Assistant.
import { randomBytes, randomUUID } from "crypto";
import http from "http";
import { closeServer, listenOnLoopback } from "./loopback";
import { WebSocket, WebSocketServer } from "ws";

export interface HassContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface HassEntity {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  context: HassContext;
}

/** What tests pass in: only `entity_id` and `state` are required. */
export type HassEntityInput = Pick<HassEntity, "entity_id" | "state"> & Partial<Omit<HassEntity, "entity_id" | "state">>;

export interface HassServiceDescription {
  name?: string;
  description?: string;
  fields: Record<string, unknown>;
  target?: Record<string, unknown>;
  /** Present when the service can return data; the Action node then asks for it. */
  response?: { optional: boolean };
}

/** `get_services` shape: domain → service → description. */
export type HassServices = Record<string, Record<string, HassServiceDescription>>;

export interface HassRegistries {
  areas: Array<Record<string, unknown>>;
  devices: Array<Record<string, unknown>>;
  entities: Array<Record<string, unknown>>;
  floors: Array<Record<string, unknown>>;
  labels: Array<Record<string, unknown>>;
}

export interface ServiceCall {
  domain: string;
  service: string;
  service_data?: Record<string, unknown>;
  target?: Record<string, unknown>;
  return_response?: boolean;
  via: "websocket" | "rest";
}

/** Throw from `onServiceCall` to make the call fail the way Home Assistant reports errors. */
export class HomeAssistantError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HomeAssistantError";
  }
}

export interface HomeAssistantStandInOptions {
  /** Access token to accept; a random one by default. */
  token?: string;
  /** Reported in `auth_required`/`auth_ok`; the HA nodes refuse anything older than 2023.12. */
  haVersion?: string;
  states?: HassEntityInput[];
  services?: HassServices;
  registries?: Partial<HassRegistries>;
  /** `get_config` → `components`. Leave out "nodered" and "tag": they make the nodes ask for more. */
  components?: string[];
  /** Where unknown commands and requests are reported; console by default so they show in test output. */
  log?: (line: string) => void;
}

type Subscription = { kind: "events"; eventType?: string } | { kind: "entities"; entityIds?: string[] };

interface Client {
  socket: WebSocket;
  authenticated: boolean;
  lastId: number;
  subscriptions: Map<number, Subscription>;
}

interface Waiter {
  predicate: (call: ServiceCall) => boolean;
  resolve: (call: ServiceCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const REGISTRY_COMMANDS: Record<string, keyof HassRegistries> = {
  "config/area_registry/list": "areas",
  "config/device_registry/list": "devices",
  "config/entity_registry/list": "entities",
  "config/floor_registry/list": "floors",
  "config/label_registry/list": "labels",
};

// The HA nodes only become ready once states and services are non-empty, so the default home
// has a few of each.
export const DEFAULT_STATES: HassEntityInput[] = [
  {
    entity_id: "light.kitchen",
    state: "off",
    attributes: { friendly_name: "Kitchen light", supported_color_modes: ["brightness"] },
  },
  {
    entity_id: "light.living_room",
    state: "on",
    attributes: { friendly_name: "Living room light", brightness: 180, supported_color_modes: ["brightness"] },
  },
  { entity_id: "switch.coffee_maker", state: "off", attributes: { friendly_name: "Coffee maker" } },
  {
    entity_id: "sensor.outdoor_temperature",
    state: "12.5",
    attributes: { friendly_name: "Outdoor temperature", unit_of_measurement: "°C", device_class: "temperature" },
  },
];

const onOffServices = (domain: string): Record<string, HassServiceDescription> => ({
  turn_on: { name: "Turn on", fields: {}, target: { entity: [{ domain: [domain] }] } },
  turn_off: { name: "Turn off", fields: {}, target: { entity: [{ domain: [domain] }] } },
  toggle: { name: "Toggle", fields: {}, target: { entity: [{ domain: [domain] }] } },
});

export const DEFAULT_SERVICES: HassServices = {
  light: {
    ...onOffServices("light"),
    turn_on: {
      name: "Turn on",
      fields: { brightness_pct: { selector: { number: { min: 0, max: 100 } } }, transition: { selector: { number: {} } } },
      target: { entity: [{ domain: ["light"] }] },
    },
  },
  switch: onOffServices("switch"),
  homeassistant: { check_config: { name: "Check configuration", fields: {} } },
};

const USER = {
  id: "standin-user",
  name: "Node-RED",
  is_owner: true,
  is_admin: true,
  credentials: [{ auth_provider_type: "homeassistant", auth_provider_id: null }],
  mfa_modules: [],
};

// Home Assistant context ids are 26-character ULIDs; tests only need them unique.
const newContextId = (): string => randomUUID().replace(/-/g, "").slice(0, 26).toUpperCase();
const epochSeconds = (iso: string): number => new Date(iso).getTime() / 1000;

function normalise(input: HassEntityInput, now: string): HassEntity {
  const lastChanged = input.last_changed ?? now;
  return {
    entity_id: input.entity_id,
    state: input.state,
    attributes: { ...(input.attributes ?? {}) },
    last_changed: lastChanged,
    last_updated: input.last_updated ?? lastChanged,
    context: input.context ?? { id: newContextId(), parent_id: null, user_id: null },
  };
}

// As in HA: an update that changes nothing is no update, and last_changed moves only when the
// state itself changes (attribute changes move last_updated).
function updated(old: HassEntity | undefined, input: HassEntityInput, now: string): HassEntity {
  if (!old) return normalise(input, now);
  const attributes = input.attributes ?? {};
  const same = old.state === input.state && JSON.stringify(old.attributes) === JSON.stringify(attributes);
  if (same && !input.last_changed && !input.last_updated && !input.context) return old;
  return normalise(
    {
      ...input,
      last_changed: input.last_changed ?? (old.state === input.state ? old.last_changed : now),
      last_updated: input.last_updated ?? now,
    },
    now,
  );
}

// subscribe_entities sends states in this compressed form, not as state objects; the client
// (home-assistant-js-websocket entities.ts) expands it again.
function compress(entity: HassEntity): Record<string, unknown> {
  const lc = epochSeconds(entity.last_changed);
  const lu = epochSeconds(entity.last_updated);
  const { context } = entity;
  return {
    s: entity.state,
    a: entity.attributes,
    c: context.parent_id === null && context.user_id === null ? context.id : context,
    lc,
    ...(lu !== lc ? { lu } : {}),
  };
}

export class HomeAssistantStandIn {
  readonly token: string;
  readonly haVersion: string;
  /** Every call_service (and REST service call) received, in order, including failed ones. */
  readonly serviceCalls: ServiceCall[] = [];
  /** Every command received after authentication, as sent. */
  readonly commands: Array<Record<string, unknown>> = [];
  /** Types of the commands answered with the generic fallback. */
  readonly unknownCommands: string[] = [];
  /**
   * Decides a service call's outcome: return (or resolve to) the `response` value, or throw a
   * HomeAssistantError. Calls to services not in `setServices` fail with `not_found` first.
   */
  onServiceCall?: (call: ServiceCall) => unknown;

  #server?: http.Server;
  #wss?: WebSocketServer;
  #port = 0;
  #clients = new Set<Client>();
  #waiters = new Set<Waiter>();
  /** Further HTTP paths Home Assistant serves (its MCP server at /api/mcp), answered by their own handler. */
  readonly httpRoutes = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();
  #states = new Map<string, HassEntity>();
  #services: HassServices;
  #registries: HassRegistries;
  #components: string[];
  #log: (line: string) => void;

  constructor(options: HomeAssistantStandInOptions = {}) {
    this.token = options.token ?? `standin-${randomBytes(16).toString("hex")}`;
    this.haVersion = options.haVersion ?? "2025.1.0";
    this.#services = structuredClone(options.services ?? DEFAULT_SERVICES);
    this.#registries = {
      ...{ areas: [], devices: [], entities: [], floors: [], labels: [] },
      ...structuredClone(options.registries ?? {}),
    };
    this.#components = options.components ?? ["homeassistant", "http", "websocket_api", "light", "switch", "sensor"];
    this.#log = options.log ?? ((line) => console.log(`[home-assistant stand-in] ${line}`));
    const now = new Date().toISOString();
    this.#states = new Map((options.states ?? DEFAULT_STATES).map((s) => [s.entity_id, normalise(s, now)]));
  }

  /** Base URL for the HA server config node (it connects to `/api/websocket` below it). */
  get url(): string {
    if (!this.#server) throw new Error("stand-in not started");
    return `http://127.0.0.1:${this.#port}`;
  }

  get websocketUrl(): string {
    return `${this.url.replace(/^http/, "ws")}/api/websocket`;
  }

  /** Clients that have passed authentication and are still connected. */
  get connectedClients(): number {
    return [...this.#clients].filter((c) => c.authenticated && c.socket.readyState === WebSocket.OPEN).length;
  }

  async start(): Promise<void> {
    if (this.#server) throw new Error("stand-in already started");
    const server = http.createServer((req, res) => this.#handleHttp(req, res));
    const wss = new WebSocketServer({ server, path: "/api/websocket" });
    wss.on("connection", (socket) => this.#accept(socket));
    this.#port = await listenOnLoopback(server);
    this.#server = server;
    this.#wss = wss;
  }

  async stop(): Promise<void> {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("stand-in stopped before a matching service call arrived"));
    }
    this.#waiters.clear();
    const server = this.#server;
    const wss = this.#wss;
    this.#server = undefined;
    this.#wss = undefined;
    for (const client of this.#clients) client.socket.terminate();
    this.#clients.clear();
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) await closeServer(server);
  }

  /** Drops every connection without a close handshake, as a restarting Home Assistant would. */
  disconnectClients(): void {
    for (const client of this.#clients) client.socket.terminate();
    this.#clients.clear();
  }

  getStates(): HassEntity[] {
    return structuredClone([...this.#states.values()]);
  }

  /** Replaces the whole home; connected clients see the differences as they would from HA. */
  setStates(states: HassEntityInput[]): void {
    const before = this.#states;
    const now = new Date().toISOString();
    this.#states = new Map(states.map((s) => [s.entity_id, updated(before.get(s.entity_id), s, now)]));
    const removed = [...before.keys()].filter((id) => !this.#states.has(id));
    const changed = [...this.#states.values()].filter((s) => s !== before.get(s.entity_id));
    this.#publishStateChanges(changed, removed, before);
  }

  /** Adds or updates one entity. */
  setState(input: HassEntityInput): HassEntity {
    const before = new Map(this.#states);
    const entity = updated(before.get(input.entity_id), input, new Date().toISOString());
    this.#states.set(entity.entity_id, entity);
    if (entity !== before.get(entity.entity_id)) this.#publishStateChanges([entity], [], before);
    return structuredClone(entity);
  }

  /** Takes effect for the next `get_services`; the nodes only fetch services when they connect. */
  setServices(services: HassServices): void {
    this.#services = structuredClone(services);
  }

  /** Takes effect for the next `config/*_registry/list`, i.e. the next connection. */
  setRegistries(registries: Partial<HassRegistries>): void {
    this.#registries = { ...this.#registries, ...structuredClone(registries) };
  }

  /** Delivers an event to the clients subscribed to its type (or to all events). */
  fireEvent(eventType: string, data: Record<string, unknown> = {}, context?: HassContext): void {
    const event = {
      event_type: eventType,
      data,
      origin: "LOCAL",
      time_fired: new Date().toISOString(),
      context: context ?? { id: newContextId(), parent_id: null, user_id: null },
    };
    for (const client of this.#clients) {
      if (!client.authenticated) continue;
      for (const [id, sub] of client.subscriptions) {
        if (sub.kind === "events" && (sub.eventType === undefined || sub.eventType === eventType)) {
          this.#send(client, { id, type: "event", event });
        }
      }
    }
  }

  /**
   * Resolves with the first recorded service call (already received or still to come) that
   * matches; rejects after `timeoutMs` listing what did arrive.
   */
  waitForServiceCall(predicate: (call: ServiceCall) => boolean = () => true, timeoutMs = 5000): Promise<ServiceCall> {
    const earlier = this.serviceCalls.find(predicate);
    if (earlier) return Promise.resolve(earlier);
    return new Promise<ServiceCall>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(`no matching service call within ${timeoutMs} ms; received: ${JSON.stringify(this.serviceCalls)}`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Forgets recorded calls and commands (not states or subscriptions). */
  clearRecords(): void {
    this.serviceCalls.length = 0;
    this.commands.length = 0;
    this.unknownCommands.length = 0;
  }

  #publishStateChanges(changed: HassEntity[], removed: string[], before: Map<string, HassEntity>): void {
    for (const client of this.#clients) {
      if (!client.authenticated) continue;
      for (const [id, sub] of client.subscriptions) {
        if (sub.kind !== "entities") continue;
        const wanted = (entityId: string) => !sub.entityIds || sub.entityIds.includes(entityId);
        const a = Object.fromEntries(changed.filter((s) => wanted(s.entity_id)).map((s) => [s.entity_id, compress(s)]));
        const r = removed.filter(wanted);
        const event = { ...(Object.keys(a).length ? { a } : {}), ...(r.length ? { r } : {}) };
        if (Object.keys(event).length) this.#send(client, { id, type: "event", event });
      }
    }
    for (const entity of changed) {
      const data = { entity_id: entity.entity_id, old_state: before.get(entity.entity_id) ?? null, new_state: entity };
      this.fireEvent("state_changed", data, entity.context);
    }
    for (const entityId of removed) {
      this.fireEvent("state_changed", { entity_id: entityId, old_state: before.get(entityId) ?? null, new_state: null });
    }
  }

  #accept(socket: WebSocket): void {
    const client: Client = { socket, authenticated: false, lastId: 0, subscriptions: new Map() };
    this.#clients.add(client);
    socket.on("close", () => this.#clients.delete(client));
    // A client that vanishes mid-test must not crash the process with an unhandled 'error'.
    socket.on("error", () => this.#clients.delete(client));
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        this.#log(`ignoring a message that is not JSON: ${data.toString().slice(0, 200)}`);
        return;
      }
      if (!client.authenticated) this.#authenticate(client, message);
      else this.#handleCommand(client, message as Record<string, unknown>);
    });
    this.#send(client, { type: "auth_required", ha_version: this.haVersion });
  }

  #authenticate(client: Client, message: unknown): void {
    const msg = message as { type?: unknown; access_token?: unknown };
    if (msg?.type === "auth" && msg.access_token === this.token) {
      client.authenticated = true;
      this.#send(client, { type: "auth_ok", ha_version: this.haVersion });
      return;
    }
    const reason = msg?.type === "auth" ? "Invalid access token or password" : "Auth message incorrectly formatted";
    this.#send(client, { type: "auth_invalid", message: reason });
    client.socket.close();
  }

  #handleCommand(client: Client, msg: Record<string, unknown>): void {
    const id = msg.id;
    const type = msg.type;
    if (typeof id !== "number" || typeof type !== "string") {
      this.#log(`ignoring a command without a numeric id and a type: ${JSON.stringify(msg)}`);
      return;
    }
    this.commands.push(structuredClone(msg));
    // Home Assistant rejects ids that do not increase; a client reusing them has a bug worth seeing.
    if (id <= client.lastId) {
      this.#error(client, id, "id_reuse", "Identifier values have to increase.");
      return;
    }
    client.lastId = id;

    switch (type) {
      case "supported_features":
        return this.#result(client, id, null);
      case "ping":
        return this.#send(client, { id, type: "pong" });
      case "auth/current_user":
        return this.#result(client, id, USER);
      case "get_config":
        return this.#result(client, id, this.#config());
      case "get_states":
        return this.#result(client, id, this.getStates());
      case "get_services":
        return this.#result(client, id, structuredClone(this.#services));
      case "subscribe_events":
        const eventType = typeof msg.event_type === "string" ? msg.event_type : undefined;
        client.subscriptions.set(id, { kind: "events", eventType });
        return this.#result(client, id, null);
      case "subscribe_entities": {
        const entityIds = Array.isArray(msg.entity_ids) ? (msg.entity_ids as string[]) : undefined;
        client.subscriptions.set(id, { kind: "entities", entityIds });
        this.#result(client, id, null);
        const wanted = [...this.#states.values()].filter((s) => !entityIds || entityIds.includes(s.entity_id));
        const a = Object.fromEntries(wanted.map((s) => [s.entity_id, compress(s)]));
        return this.#send(client, { id, type: "event", event: { a } });
      }
      case "unsubscribe_events": {
        if (!client.subscriptions.delete(msg.subscription as number)) {
          return this.#error(client, id, "not_found", "Subscription not found.");
        }
        return this.#result(client, id, null);
      }
      case "call_service":
        return this.#callService(client, id, msg);
      case "fire_event": {
        const context = { id: newContextId(), parent_id: null, user_id: USER.id };
        this.fireEvent(String(msg.event_type), (msg.event_data as Record<string, unknown>) ?? {}, context);
        return this.#result(client, id, { context });
      }
      default: {
        const registry = REGISTRY_COMMANDS[type];
        if (registry) return this.#result(client, id, structuredClone(this.#registries[registry]));
        this.unknownCommands.push(type);
        this.#log(`unknown command ${JSON.stringify(msg)}; answering with an empty success`);
        return this.#result(client, id, type.endsWith("/list") ? [] : {});
      }
    }
  }

  #callService(client: Client, id: number, msg: Record<string, unknown>): void {
    const call: ServiceCall = {
      domain: String(msg.domain),
      service: String(msg.service),
      ...(msg.service_data !== undefined ? { service_data: msg.service_data as Record<string, unknown> } : {}),
      ...(msg.target !== undefined ? { target: msg.target as Record<string, unknown> } : {}),
      ...(msg.return_response !== undefined ? { return_response: Boolean(msg.return_response) } : {}),
      via: "websocket",
    };
    this.#runService(call).then(
      (response) => {
        const context = { id: newContextId(), parent_id: null, user_id: USER.id };
        this.#result(client, id, { context, response: call.return_response ? (response ?? null) : null });
      },
      (err: HomeAssistantError) => this.#error(client, id, err.code, err.message),
    );
  }

  // Records the call at once, so a failing or slow one is still visible to the test, then decides
  // the outcome.
  async #runService(call: ServiceCall): Promise<unknown> {
    this.serviceCalls.push(call);
    for (const waiter of this.#waiters) {
      if (!waiter.predicate(call)) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(call);
    }
    if (!this.#services[call.domain]?.[call.service]) {
      throw new HomeAssistantError("not_found", `Action ${call.domain}.${call.service} not found.`);
    }
    try {
      return await this.onServiceCall?.(call);
    } catch (err) {
      throw err instanceof HomeAssistantError ? err : new HomeAssistantError("home_assistant_error", String(err));
    }
  }

  #config(): Record<string, unknown> {
    return {
      latitude: 52.37,
      longitude: 4.89,
      elevation: 0,
      unit_system: {
        length: "km",
        accumulated_precipitation: "mm",
        mass: "g",
        pressure: "Pa",
        temperature: "°C",
        volume: "L",
        wind_speed: "m/s",
      },
      location_name: "Home",
      time_zone: "Europe/Amsterdam",
      components: [...this.#components],
      config_dir: "/config",
      allowlist_external_dirs: [],
      allowlist_external_urls: [],
      version: this.haVersion,
      config_source: "storage",
      recovery_mode: false,
      safe_mode: false,
      state: "RUNNING",
      external_url: null,
      internal_url: null,
      currency: "EUR",
      country: "NL",
      language: "en",
    };
  }

  #send(client: Client, message: unknown): void {
    if (client.socket.readyState === WebSocket.OPEN) client.socket.send(JSON.stringify(message));
  }

  #result(client: Client, id: number, result: unknown): void {
    this.#send(client, { id, type: "result", success: true, result });
  }

  #error(client: Client, id: number, code: string, message: string): void {
    this.#send(client, { id, type: "result", success: false, error: { code, message } });
  }

  // The REST API some HA nodes use (history, templates, events, the API node over HTTP).
  #handleHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = this.httpRoutes.get(url.pathname);
    if (route) return route(req, res);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, { "Content-Type": "text/plain" });
      res.end("401: Unauthorized");
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = url.pathname;
      const method = req.method ?? "GET";
      if (method === "GET" && (path === "/api/" || path === "/api")) return reply(200, { message: "API running." });
      if (method === "GET" && path === "/api/config") return reply(200, this.#config());
      if (method === "GET" && path === "/api/states") return reply(200, this.getStates());
      if (method === "GET" && path.startsWith("/api/states/")) {
        const entity = this.#states.get(decodeURIComponent(path.slice("/api/states/".length)));
        return entity ? reply(200, entity) : reply(404, { message: "Entity not found." });
      }
      if (method === "GET" && path === "/api/services") {
        return reply(200, Object.entries(this.#services).map(([domain, services]) => ({ domain, services })));
      }
      const service = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path);
      if (method === "POST" && service) {
        let body: Record<string, unknown> = {};
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
        } catch {
          return reply(400, { message: "Data should be valid JSON." });
        }
        const call: ServiceCall = { domain: service[1], service: service[2], service_data: body, via: "rest" };
        this.#runService(call).then(
          (response) => {
            if (!url.searchParams.has("return_response")) return reply(200, []);
            reply(200, { changed_states: [], service_response: response ?? null });
          },
          (err: HomeAssistantError) => reply(err.code === "not_found" ? 400 : 500, { message: err.message }),
        );
        return;
      }
      this.#log(`unknown request ${method} ${path}; answering 404`);
      reply(404, { message: "Not found" });
    });
  }
}
