// Drives the sharedmemory MCP server with the official TypeScript SDK over Streamable HTTP, as an LLM host would:
// connects with a bearer token, lists the tools, calls each one, reads and subscribes to a resource, and checks that a
// second agent's token sees none of the first agent's namespace.
//   node mcp-client.mjs <url of /mcp> <token of the owner> <token of another agent> <namespace>
// Prints one JSON line per step; exits 0 when every check held, 1 with the failed check otherwise.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, ownerToken, otherToken, ns] = process.argv.slice(2);
if (!url || !ownerToken || !otherToken || !ns) {
  console.error("usage: node mcp-client.mjs <url> <owner token> <other token> <namespace>");
  process.exit(2);
}

function check(condition, what, detail) {
  if (!condition) {
    console.log(JSON.stringify({ check: what, ok: false, detail }));
    throw new Error("check failed: " + what + " " + JSON.stringify(detail));
  }
  console.log(JSON.stringify({ check: what, ok: true }));
}

async function connect(token, name) {
  const client = new Client({ name, version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: "Bearer " + token } },
  });
  await client.connect(transport);
  return client;
}

async function call(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content?.[0]?.text;
  const structured = r.structuredContent;
  check(text !== undefined && JSON.stringify(JSON.parse(text)) === JSON.stringify(structured),
    name + ": text and structured content agree", { text, structured });
  return { error: r.isError === true, result: structured };
}

async function main() {
  const owner = await connect(ownerToken, "ts-owner");
  const other = await connect(otherToken, "ts-other");

  const tools = (await owner.listTools()).tools;
  const names = tools.map((t) => t.name).sort();
  check(JSON.stringify(names) === JSON.stringify(["broadcast", "delete", "get", "list_keys", "list_namespaces",
    "poll_changes", "put", "read_access_log", "whoami"]), "tools/list has the nine tools", names);
  for (const t of tools) {
    check(t.inputSchema?.type === "object", t.name + " has an object input schema", t.inputSchema);
    check(typeof t.annotations?.readOnlyHint === "boolean" && typeof t.annotations?.destructiveHint === "boolean",
      t.name + " has readOnlyHint and destructiveHint", t.annotations);
  }
  const readOnly = Object.fromEntries(tools.map((t) => [t.name, t.annotations.readOnlyHint]));
  check(readOnly.get && readOnly.whoami && readOnly.poll_changes && !readOnly.put && !readOnly.delete,
    "read-only hints match the tools", readOnly);

  const who = await call(owner, "whoami", {});
  check(!who.error && who.result.namespaces.some((n) => n.name === ns && n.permission === "admin"),
    "whoami names the owner and its admin namespace", who.result);

  const start = await call(owner, "poll_changes", { namespace: ns });
  check(!start.error && typeof start.result.cursor === "string", "poll_changes gives a cursor", start.result);

  const put = await call(owner, "put", { namespace: ns, key: "plan", value: { step: 1, items: ["a", "b"] } });
  check(!put.error && put.result.status === "WRITTEN" && put.result.version === 1, "put writes version 1",
    put.result);
  const stale = await call(owner, "put", { namespace: ns, key: "plan", value: { step: 2 }, expected_version: 0 });
  check(stale.error && stale.result.status === "VERSION_MISMATCH" && stale.result.current.version === 1
    && stale.result.current.value.step === 1, "a stale put is refused with the current value", stale.result);
  const cas = await call(owner, "put", { namespace: ns, key: "plan", value: { step: 2 }, expected_version: 1,
    metadata: { by: "ts" } });
  check(!cas.error && cas.result.version === 2, "a put with the right expected_version writes", cas.result);

  const got = await call(owner, "get", { namespace: ns, key: "plan" });
  check(!got.error && got.result.value.step === 2 && got.result.version === 2 && got.result.metadata.by === "ts"
    && typeof got.result.timestamp === "string", "get returns value, version, metadata, timestamps", got.result);

  const keys = await call(owner, "list_keys", { namespace: ns, limit: 10 });
  check(!keys.error && keys.result.keys.includes("plan"), "list_keys lists the key", keys.result);
  const nss = await call(owner, "list_namespaces", {});
  check(!nss.error && nss.result.namespaces.some((n) => n.name === ns), "list_namespaces lists it", nss.result);

  const bc = await call(owner, "broadcast", { namespace: ns, message: { hello: "agents" } });
  check(!bc.error && bc.result.broadcast === true, "broadcast is sent", bc.result);

  const changes = await call(owner, "poll_changes", { namespace: ns, since: start.result.cursor, timeout_ms: 2000 });
  const actions = changes.result.events.map((e) => e.action);
  check(!changes.error && JSON.stringify(actions) === JSON.stringify(["WRITE", "WRITE", "BROADCAST"])
    && !changes.result.gap, "poll_changes returns the changes in order, without a gap", changes.result);
  const again = await call(owner, "poll_changes", { namespace: ns, since: changes.result.cursor });
  check(!again.error && again.result.events.length === 0, "the returned cursor resumes after them", again.result);

  // a resource, and its subscription
  const uri = "memory://" + encodeURIComponent(ns) + "/plan";
  const read = await owner.readResource({ uri });
  check(JSON.parse(read.contents[0].text).version === 2, "resources/read returns the entry", read.contents);
  const updated = new Promise((resolve) => {
    owner.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri));
  });
  await owner.subscribeResource({ uri });
  await call(owner, "put", { namespace: ns, key: "plan", value: { step: 3 } });
  const notified = await Promise.race([updated, new Promise((r) => setTimeout(() => r("timeout"), 20000))]);
  check(notified === uri, "resources/updated arrives after a write", notified);

  const log = await call(owner, "read_access_log", { namespace: ns, action: "WRITE", limit: 10 });
  check(!log.error && log.result.entries.length >= 3 && log.result.entries.every((e) => e.namespace === ns),
    "read_access_log returns this namespace's writes", log.result);

  // the other agent: nothing of the owner's namespace, whatever it passes
  const otherWho = await call(other, "whoami", {});
  check(!otherWho.result.namespaces.some((n) => n.name === ns), "the other agent does not see the namespace",
    otherWho.result);
  const denied = await call(other, "get", { namespace: ns, key: "plan" });
  check(denied.error && denied.result.error === "forbidden", "the other agent may not read", denied.result);
  const deniedPut = await call(other, "put", { namespace: ns, key: "plan", value: "x" });
  check(deniedPut.error && deniedPut.result.status === "DENIED", "the other agent may not write", deniedPut.result);
  const smuggled = await other.callTool({ name: "get", arguments: { namespace: ns, key: "plan", agent_id: "x" } })
    .then((r) => r, (e) => ({ isError: true, thrown: String(e) }));
  check(smuggled.isError === true, "an agent_id argument is refused, not believed", smuggled);
  const deniedLog = await call(other, "read_access_log", { namespace: ns });
  check(!deniedLog.error && deniedLog.result.entries.length === 0, "the other agent sees none of its log",
    deniedLog.result);
  let subscribeRefused = false;
  try {
    await other.subscribeResource({ uri });
  } catch (e) {
    subscribeRefused = true;
  }
  check(subscribeRefused, "the other agent may not subscribe to the resource", {});

  const del = await call(owner, "delete", { namespace: ns, key: "plan" });
  check(!del.error && del.result.deleted === true, "delete deletes", del.result);
  const gone = await call(owner, "get", { namespace: ns, key: "plan" });
  check(gone.error && gone.result.error === "not_found", "a deleted key is not found", gone.result);

  await owner.close();
  await other.close();
  console.log(JSON.stringify({ done: true }));
}

main().then(() => process.exit(0), (e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
