// A tiny local stand-in for the OpenAI API, to try the examples without a key or network:
// answers POST /v1/chat/completions (JSON or SSE) with usage counted by tokcost itself.
//   npm run build && node examples/local-openai-server.mjs [port]
import { createServer } from "node:http";
import { estimateRequest } from "../dist/src/index.js";

const port = Number(process.argv[2] ?? 8787); // 0: any free port (the URL line says which)
const server = createServer(async (req, res) => {
  let text = "";
  for await (const chunk of req) text += chunk;
  if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    return res.end(JSON.stringify({ error: { message: `Invalid URL (${req.method} ${req.url})`, type: "invalid_request_error", param: null, code: null } }));
  }
  const body = JSON.parse(text);
  const promptTokens = estimateRequest(body).promptTokens;
  const words = ["Counting", " tokens", " first", " avoids", " surprises", "."].slice(0, Math.max(1, body.max_completion_tokens ?? body.max_tokens ?? 6));
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: words.length,
    total_tokens: promptTokens + words.length,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const base = { id: "chatcmpl-local", created: Math.floor(Date.now() / 1000), model: body.model };
  if (body.stream) {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const w of words) res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`);
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
    return res.end("data: [DONE]\n\n");
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: words.join("") }, finish_reason: "stop" }], usage }));
});
server.listen(port, "127.0.0.1", () => console.log(`fake OpenAI API on http://127.0.0.1:${server.address().port}/v1 (Ctrl-C to stop)`));
