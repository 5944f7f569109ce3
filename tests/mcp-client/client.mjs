// A real MCP client for `shipmate mcp`: the official TypeScript SDK, over stdio or streamable
// HTTP. It runs a plan of tool calls and prints what happened as one JSON document on stdout;
// the Rust e2e test (tests/tests/e2e/mcp.rs) decides whether that is right.
//
//   node client.mjs stdio PLAN_JSON BIN [ARGS...]   spawns BIN ARGS (environment inherited)
//   node client.mjs http  PLAN_JSON URL             connects to URL; token in MCP_TOKEN
//
// PLAN_JSON is an array of {"tool": NAME, "arguments": {...}}. The string "$proposal_id" in
// arguments is replaced by the proposal_id of the latest result that had one (the first one in
// it: a diagnose report's most severe fix).
//
// Output: {"server": serverInfo, "tools": [names], "calls": [{tool, isError, structured, text,
// error}], "probes": {...}}. Over HTTP, "probes" holds the HTTP status of an initialize request
// sent without a token and with a wrong one (401 expected when the server has a token).

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [mode, planText, target, ...rest] = process.argv.slice(2);
if (!mode || !planText || !target) {
  console.error("usage: node client.mjs stdio|http PLAN_JSON BIN|URL [ARGS...]");
  process.exit(2);
}
const plan = JSON.parse(planText);
const token = process.env.MCP_TOKEN;

/** The HTTP status of a bare initialize request with the given Authorization header. */
async function probe(url, authorization) {
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (authorization) headers.authorization = authorization;
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "probe", version: "0" },
    },
  });
  const response = await fetch(url, { method: "POST", headers, body });
  await response.body?.cancel();
  return response.status;
}

/** The first `proposal_id` in `value` (a propose result's, or a diagnose finding's fix's). */
function firstProposalId(value) {
  if (Array.isArray(value)) {
    for (const v of value) {
      const id = firstProposalId(v);
      if (id) return id;
    }
  } else if (value && typeof value === "object") {
    if (typeof value.proposal_id === "string") return value.proposal_id;
    for (const v of Object.values(value)) {
      const id = firstProposalId(v);
      if (id) return id;
    }
  }
  return null;
}

/** Replaces "$proposal_id" anywhere in `value`. */
function substitute(value, id) {
  if (value === "$proposal_id") return id;
  if (Array.isArray(value)) return value.map((v) => substitute(v, id));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, id)]));
  }
  return value;
}

const output = { server: null, tools: [], calls: [], probes: {} };
let transport;
if (mode === "stdio") {
  transport = new StdioClientTransport({
    command: target,
    args: rest,
    env: { ...process.env },
    stderr: "inherit",
  });
} else if (mode === "http") {
  const url = new URL(target);
  output.probes.no_token = await probe(url);
  output.probes.wrong_token = await probe(url, "Bearer wrong-token-wrong-token-0000");
  const requestInit = token ? { headers: { Authorization: `Bearer ${token}` } } : undefined;
  transport = new StreamableHTTPClientTransport(url, { requestInit });
} else {
  console.error(`unknown mode ${mode}: use stdio or http`);
  process.exit(2);
}

const client = new Client({ name: "shipmate-e2e", version: "0.1.0" });
await client.connect(transport);
output.server = client.getServerVersion();
output.tools = (await client.listTools()).tools.map((t) => t.name).sort();

let proposalId = null;
for (const step of plan) {
  const record = { tool: step.tool };
  try {
    const result = await client.callTool({
      name: step.tool,
      arguments: substitute(step.arguments ?? {}, proposalId),
    });
    record.isError = result.isError === true;
    record.structured = result.structuredContent ?? null;
    record.text = (result.content ?? [])
      .filter((c) => c.type === "text")
      .map((c) => c.text)
      .join("\n");
    proposalId = firstProposalId(record.structured) ?? proposalId;
  } catch (err) {
    // A protocol error (an unknown tool, say), as opposed to a tool's own error result.
    record.error = String(err?.message ?? err);
  }
  output.calls.push(record);
}
await client.close();
process.stdout.write(JSON.stringify(output) + "\n");
