/** Request body schemas per endpoint (zod). */
export * from "./common.js";
export * from "./chat.js";
export * from "./completions.js";
export * from "./embeddings.js";
export { responsesRequestSchema, responseInputItem, responseContentPart, responseMessageItem, responseTool, responseFunctionTool, type ResponsesRequest, type ResponseInputItem } from "./responses.js";
export * from "./media.js";
