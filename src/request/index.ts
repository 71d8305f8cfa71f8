/**
 * Requests: whole API request bodies (chat, completions, responses, embeddings) validated as the
 * API would, counted as the API bills them, and priced. No I/O — runs in browsers and workers.
 */
export { validateRequest, parseWithSchema, detectRequestKind, kindOfUrl, formatParam, ENDPOINT_URLS, type ValidatedRequest, type ValidateOptions, type RequestKind } from "./validate.js";
export { estimateRequest, type RequestEstimate, type RequestBreakdown, type EstimateRequestOptions } from "./estimate-request.js";
export { countChatTokens, chatFormatFor, CHAT_FORMATS, type ChatCountOptions, type ChatTokenCount, type ChatMessageLike, type ChatFormat, type ImageSizeOptions } from "./chat.js";
export { countFunctionDefinitions, renderFunctionNamespace, definitionFeatures, type FunctionLike, type ToolTokenCount } from "./tools.js";
export { calibrationSchema, applyCalibration, calibrationApplies, type Calibration } from "./calibration.js";
export { FRAMING_RULES, framingFor, FEATURE_NAMES, type FramingRule, type FramingFeature, type DefinitionStyle, type ChoiceConstants } from "./framing.js";
export {
  countImageTokens,
  maxImageTokens,
  imageRuleFor,
  imageSizeFromBytes,
  imageSizeFromDataUrl,
  isDataUrl,
  tileLayout,
  patchLayout,
  IMAGE_RULES,
  type ImageDetail,
  type ImageRule,
  type ImageSize,
  type ImageTokenCount,
  type ImageTokenOptions,
  type PatchSizing,
} from "./images.js";
export { PARAMETER_RULES, parameterRulesFor, isReasoningModel, type ParameterRules } from "./capabilities.js";
export {
  chatRequestSchema,
  completionsRequestSchema,
  responsesRequestSchema,
  embeddingsRequestSchema,
  COMPLETIONS_DEFAULT_MAX_TOKENS,
  type ChatRequest,
  type ChatMessage,
  type CompletionsRequest,
  type ResponsesRequest,
  type EmbeddingsRequest,
} from "./schemas/index.js";
export { fitMessages, fitConversation, type FitOptions, type FitResult, type Conversation, type FitConversationOptions, type FitConversationResult } from "./fit.js";
export { truncateText, jsonKindOf, type TruncateOptions, type TruncateResult } from "./truncate.js";
export { fineTuningExampleSchema, isFineTuningExample, validateFineTuningExample, countTrainingTokens, defaultEpochs, type FineTuningExample } from "./fine-tuning.js";
// Pre-flight in code (issue 5): preflight(), the request helper, guardFetch for the official SDK, budgets.
export { preflight, worstCaseOf, assertFits, type PreflightOptions, type PreflightResult, type WorstCase } from "./preflight.js";
export {
  createClient,
  TokcostStream,
  readEnv,
  type ClientOptions,
  type CallOptions,
  type CallReport,
  type Metered,
  type ApiJson,
  type Endpoint,
  type TokcostClient,
  type RenderedRequest,
} from "./client.js";
export { guardFetch, endpointOf, refusalResponse, type GuardFetchOptions, type GuardedFetch } from "./guard-fetch.js";
export {
  Budget,
  MemoryLedger,
  LedgerError,
  ledgerStore,
  budgetLimitsSchema,
  ledgerStateSchema,
  emptyLedgerState,
  periodKey,
  type BudgetLimits,
  type BudgetOptions,
  type BudgetStatus,
  type BudgetStore,
  type BudgetSnapshot,
  type StoreReserveRequest,
  type LedgerStoreOptions,
  type Ledger,
  type LedgerState,
  type Reservation,
  type ReservationRecord,
  type Spend,
} from "./budget.js";
export { Meter, MeteredCall, usageOf, type UsageTokens, type ActualSpend, type CallRecord, type MeterSummary, type MeterHooks, type BudgetReporter, type MeterOptions } from "./meter.js";
export { ApiError, MissingApiKeyError, RequestTimeoutError, RequestAbortedError, NetworkError, parseApiErrorBody, sdkErrorName, type ApiErrorBody } from "./http-errors.js";
export { DEFAULT_RETRY_POLICY, backoffDelay, isRetryableStatus, retryAfterMs, type RetryPolicy } from "./retry.js";
export { SseParser, type ServerSentEvent } from "./sse.js";
// Vendor counts and calibration (issue 12): the vendor's own count on request, and measured framing constants.
export {
  countRemote,
  countProviderFor,
  apiKeyEnvOf,
  chatToResponses,
  chatToAnthropic,
  chatToGemini,
  COUNT_PROVIDERS,
  type CountProvider,
  type RemoteCount,
  type RemoteCountOptions,
} from "./remote-count.js";
export { estimateRequestRemote, localCountSource, type CountSource, type CountedRequestEstimate, type RemoteEstimateOptions } from "./estimate-remote.js";
export { calibrate, type CalibrateOptions, type CalibrationResult, type MeasuredConstant } from "./calibrate.js";
export { InvalidResponseError } from "./http-errors.js";
