import type { z } from 'zod';
import type { issueAdvisorySchema } from '@acd/advisories';
import type { publishIndicatorSchema } from '@acd/indicators';
import type {
  agreementSchema,
  collectionRequestSchema,
  constituteCouncilSchema,
  executionSchema,
  inspectionSchema,
  operationRequestSchema,
  recommendationSchema,
  voteSchema,
} from '@acd/oversight';
import type {
  designationSchema,
  fileReportSchema,
  issueOrderSchema,
  notifyAssetSchema,
  openIncidentSchema,
  outcomeSchema,
  referralSchema,
} from '@acd/reporting';
import type { flowBatchSchema } from '@acd/traffic';
import { CliError, ExitCode, exitCodeForStatus, UsageError } from './exit-codes';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

const orderPath = (operatorId: string, orderId: string) =>
  `/v1/compliance/${encodeURIComponent(operatorId)}/orders/${encodeURIComponent(orderId)}`;

/** Where the bus is and who we are: from --url/--token, else ACD_URL/ACD_TOKEN. */
export interface ApiConfig {
  url: string;
  token: string;
}

/** Reads the configuration, refusing (exit 2) when it is missing or malformed. Never echoes the token. */
export function resolveConfig(
  opts: { url?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): ApiConfig {
  const url = (opts.url ?? env.ACD_URL ?? DEFAULT_URL).trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url / ACD_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--url / ACD_URL must be http:// or https://, not ${parsed.protocol}`);
  const token = (opts.token ?? env.ACD_TOKEN ?? '').trim();
  if (!token) throw new UsageError('no token: pass --token <token> or set ACD_TOKEN');
  return { url: url.replace(/\/+$/, ''), token };
}

/** The bus answered with an error status; `message` is its explanation, never the request. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    message: string,
  ) {
    super(message, exitCodeForStatus(status));
    this.name = 'ApiError';
  }
}

export interface ApiErrorBody {
  message?: string;
  field?: string;
  issues?: { field: string; reason: string }[];
  currentVersion?: number;
  [k: string]: unknown;
}

export class UnreachableError extends CliError {
  constructor(url: string, cause: string) {
    super(`cannot reach ${url}: ${cause}`, ExitCode.unreachable);
    this.name = 'UnreachableError';
  }
}

export interface BatchItemResult {
  index: number;
  status: number;
  id?: string;
  version?: number;
  duplicate?: boolean;
  error?: { message: string; field?: string; issues?: { field: string; reason: string }[] };
}

export interface Accepted {
  id: string;
  version: number;
  eventIds: string[];
  duplicate: boolean;
}

export interface IndicatorView {
  id: string;
  type: string;
  value: string;
  tlp: string;
  audience: { orgs: string[]; sectors: string[]; council?: boolean };
  confidence: number;
  status: string;
  version: number;
  updatedAt: string | null;
  [k: string]: unknown;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface ListIndicatorsQuery {
  type?: string;
  value?: string;
  tlp?: string;
  sector?: string;
  updatedSince?: string;
  limit?: number;
  next?: string;
}

/** A request's answer when its status says something (created 201 or repeated 200, say). */
export interface Answered<T> {
  status: number;
  body: T;
}

// Request bodies: the contexts' own request schemas, as a client may send them (fields the
// server defaults are optional). One definition for the gateway that checks and the CLI that sends.

export type PublishIndicatorBody = z.input<typeof publishIndicatorSchema>;
export type IndicatorType = PublishIndicatorBody['type'];
export type NotifyAssetBody = z.input<typeof notifyAssetSchema>;
export type AssetExposure = NotifyAssetBody['exposure'];
export type OpenIncidentBody = z.input<typeof openIncidentSchema>;
export type ImpactLevel = OpenIncidentBody['impact'];
export type FileReportBody = z.input<typeof fileReportSchema>;
export type ReportStage = FileReportBody['stage'];
export type IssueOrderBody = z.input<typeof issueOrderSchema>;
export type ReferralBody = z.input<typeof referralSchema>;
export type OutcomeBody = z.input<typeof outcomeSchema>;

/** An operator's compliance file as far as the CLI reads it. */
export interface ComplianceFile {
  cases?: { caseId: string; incidentId: string; [k: string]: unknown }[];
  orders?: { orderId: string; status: string; [k: string]: unknown }[];
  [k: string]: unknown;
}

export type IssueAdvisoryBody = z.input<typeof issueAdvisorySchema>;
export type AdvisorySeverity = IssueAdvisoryBody['severity'];
export type CollectionRequestBody = z.input<typeof collectionRequestSchema>;
export type MetadataCategory = CollectionRequestBody['categories'][number];
export type OperationRequestBody = z.input<typeof operationRequestSchema>;
export type OperationMeasure = OperationRequestBody['measures'][number];
export type VoteBody = z.input<typeof voteSchema>;
export type ExecutionBody = z.input<typeof executionSchema>;

export interface OversightRequestView {
  requestId: string;
  status: 'pending' | 'approved' | 'denied';
  [k: string]: unknown;
}

export type AgreementBody = z.input<typeof agreementSchema>;
export type ConstituteCouncilBody = z.input<typeof constituteCouncilSchema>;
export type InspectionBody = z.input<typeof inspectionSchema>;
export type RecommendationBody = z.input<typeof recommendationSchema>;
export type DesignationBody = z.input<typeof designationSchema>;

/** A command on an agreement, the council or a supervision file, as the gateway answers it. */
export interface OversightAccepted extends Accepted {
  agreementId?: string;
  councilId?: string;
}

export type FlowBatchBody = z.input<typeof flowBatchSchema>;
export type FlowRecordBody = FlowBatchBody['flows'][number];

export interface FlowBatchAnswer {
  batchId: string;
  received: number;
  accepted: number;
  refusedDomestic: number;
  refusedUnlocated: number;
  invalid: { index: number; field?: string; reason: string }[];
  duplicate: boolean;
}

type FetchLike = typeof fetch;

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

/** Explains an error body in one line: the field and the reason, as the API gives them. */
export function describeError(status: number, body: ApiErrorBody | undefined): string {
  if (status === 401) return 'the token was refused (401): check --token / ACD_TOKEN';
  const issues = body?.issues ?? [];
  if (issues.length > 0) return issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
  const msg = typeof body?.message === 'string' ? body.message : `HTTP ${status}`;
  return body?.field ? `${body.field}: ${msg}` : msg;
}

/** A small typed client of the REST API (fetch). Errors say what went wrong, never the token. */
export class ApiClient {
  constructor(
    private readonly config: ApiConfig,
    private readonly fetchImpl: FetchLike = fetch,
  ) {}

  get url(): string {
    return this.config.url;
  }

  /** Sends a request; resolves with status and JSON body for any HTTP answer except 401. */
  async raw(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<{ status: number; body: unknown; response: Response }> {
    const url = new URL(this.config.url + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.config.token}`,
          accept: 'application/json',
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new UnreachableError(this.config.url, causeOf(err));
    }
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      throw new ApiError(401, {}, describeError(401, undefined));
    }
    if ((response.headers.get('content-type') ?? '').includes('text/event-stream'))
      return { status: response.status, body: undefined, response };
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { message: text.slice(0, 500) };
    }
    return { status: response.status, body, response };
  }

  /** Like raw(), but any non-2xx answer is thrown as an ApiError. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { status, body } = await this.raw(method, path, opts);
    if (status < 200 || status >= 300) {
      const b = (typeof body === 'object' && body !== null ? body : {}) as ApiErrorBody;
      throw new ApiError(status, b, describeError(status, b));
    }
    return body as T;
  }

  /** Like request(), with the status of a success (201 created or 200 answered from the log). */
  async answered<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Answered<T>> {
    const { status, body } = await this.raw(method, path, opts);
    if (status < 200 || status >= 300) {
      const b = (typeof body === 'object' && body !== null ? body : {}) as ApiErrorBody;
      throw new ApiError(status, b, describeError(status, b));
    }
    return { status, body: body as T };
  }

  async health(): Promise<boolean> {
    return (await this.raw('GET', '/health')).status === 200;
  }

  publishIndicator(
    body: PublishIndicatorBody,
    idempotencyKey?: string,
  ): Promise<Answered<Accepted>> {
    return this.answered('POST', '/v1/indicators', { body, headers: keyed(idempotencyKey) });
  }

  publishBatch(items: unknown[], idempotencyKey: string): Promise<{ results: BatchItemResult[] }> {
    return this.request('POST', '/v1/indicators/batch', {
      body: { items },
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  listIndicators(query: ListIndicatorsQuery): Promise<Page<IndicatorView>> {
    return this.request('GET', '/v1/indicators', { query: { ...query } });
  }

  /** The body as the user wrote it (acd incidents open) or as typed code builds it. */
  openIncident(
    body: OpenIncidentBody | Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<Accepted & { incidentId: string; createdId: string }> {
    return this.request('POST', '/v1/incidents', {
      body,
      ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    });
  }

  fileReport(
    incidentId: string,
    body: FileReportBody | Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<Accepted & { reportId: string }> {
    return this.request('POST', `/v1/incidents/${encodeURIComponent(incidentId)}/reports`, {
      body,
      ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    });
  }

  acknowledgeAdvisory(
    advisoryId: string,
    body: Record<string, unknown>,
    idempotencyKey?: string,
  ): Promise<Record<string, unknown>> {
    return this.request(
      'POST',
      `/v1/advisories/${encodeURIComponent(advisoryId)}/acknowledgements`,
      {
        body,
        ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      },
    );
  }

  notifyAsset(body: NotifyAssetBody, idempotencyKey?: string): Promise<Accepted> {
    return this.request('POST', '/v1/assets', { body, headers: keyed(idempotencyKey) });
  }

  complianceFile(operatorId: string): Promise<ComplianceFile> {
    return this.request('GET', `/v1/compliance/${encodeURIComponent(operatorId)}`);
  }

  issueOrder(
    operatorId: string,
    caseId: string,
    body: IssueOrderBody,
    idempotencyKey?: string,
  ): Promise<Accepted & { orderId: string }> {
    return this.request(
      'POST',
      `/v1/compliance/${encodeURIComponent(operatorId)}/cases/${encodeURIComponent(caseId)}/orders`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  /** Refers the case of an ignored order to the public prosecutors (the office). */
  referToProsecutors(
    operatorId: string,
    orderId: string,
    body: ReferralBody,
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.request('POST', `${orderPath(operatorId, orderId)}/referral`, {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  /** Records how a referral ended: declined, acquitted, or a court's fine (the office). */
  recordOutcome(
    operatorId: string,
    orderId: string,
    body: OutcomeBody,
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.request('POST', `${orderPath(operatorId, orderId)}/outcome`, {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  issueAdvisory(
    body: IssueAdvisoryBody,
    idempotencyKey?: string,
  ): Promise<Accepted & { advisoryId: string }> {
    return this.request('POST', '/v1/advisories', { body, headers: keyed(idempotencyKey) });
  }

  requestCollection(
    body: CollectionRequestBody,
    idempotencyKey?: string,
  ): Promise<Accepted & { requestId: string }> {
    return this.request('POST', '/v1/oversight/collection-requests', {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  requestOperation(
    body: OperationRequestBody,
    idempotencyKey?: string,
  ): Promise<Accepted & { requestId: string }> {
    return this.request('POST', '/v1/oversight/operation-requests', {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  oversightRequest(requestId: string): Promise<OversightRequestView> {
    return this.request('GET', `/v1/oversight/requests/${encodeURIComponent(requestId)}`);
  }

  vote(requestId: string, body: VoteBody, idempotencyKey?: string): Promise<Accepted> {
    return this.request('POST', `/v1/oversight/requests/${encodeURIComponent(requestId)}/votes`, {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  recordExecution(
    requestId: string,
    body: ExecutionBody,
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.request(
      'POST',
      `/v1/oversight/requests/${encodeURIComponent(requestId)}/execution`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  reportOperation(
    requestId: string,
    body: { summary: string },
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.request('POST', `/v1/oversight/requests/${encodeURIComponent(requestId)}/report`, {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  /** The office proposes an agreement to an operator (当事者協定). */
  proposeAgreement(
    body: AgreementBody,
    idempotencyKey?: string,
  ): Promise<OversightAccepted & { agreementId: string }> {
    return this.request('POST', '/v1/oversight/agreements', {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  /** The operator party accepts (with a member's personal token), declines or ends. */
  agreementStep(
    agreementId: string,
    step: 'acceptance' | 'decline' | 'end',
    body: { consent: string } | { reason: string },
    idempotencyKey?: string,
  ): Promise<OversightAccepted> {
    return this.request(
      'POST',
      `/v1/oversight/agreements/${encodeURIComponent(agreementId)}/${step}`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  constituteCouncil(
    body: ConstituteCouncilBody,
    idempotencyKey?: string,
  ): Promise<OversightAccepted> {
    return this.request('POST', '/v1/council', { body, headers: keyed(idempotencyKey) });
  }

  admitCouncilMember(orgId: string, idempotencyKey?: string): Promise<OversightAccepted> {
    return this.request('POST', '/v1/council/members', {
      body: { orgId },
      headers: keyed(idempotencyKey),
    });
  }

  /** The member itself, with a member's personal token: the council's confidentiality. */
  acknowledgeCouncilConfidentiality(
    orgId: string,
    body: { statement: string },
    idempotencyKey?: string,
  ): Promise<OversightAccepted> {
    return this.request(
      'POST',
      `/v1/council/members/${encodeURIComponent(orgId)}/confidentiality`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  /** The commission (a member's token) opens an inspection of an agency. */
  openInspection(
    agencyId: string,
    body: InspectionBody,
    idempotencyKey?: string,
  ): Promise<{ id: string; agencyId: string; version: number }> {
    return this.request(
      'POST',
      `/v1/oversight/agencies/${encodeURIComponent(agencyId)}/inspections`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  /** The commission recommends a correction to an agency. */
  issueRecommendation(
    agencyId: string,
    body: RecommendationBody,
    idempotencyKey?: string,
  ): Promise<{ id: string; agencyId: string; version: number }> {
    return this.request(
      'POST',
      `/v1/oversight/agencies/${encodeURIComponent(agencyId)}/recommendations`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  /** The agency answers an inspection or a recommendation, once. */
  answerSupervision(
    agencyId: string,
    kind: 'inspections' | 'recommendations',
    id: string,
    body: { answer: string },
    idempotencyKey?: string,
  ): Promise<OversightAccepted> {
    return this.request(
      'POST',
      `/v1/oversight/agencies/${encodeURIComponent(agencyId)}/${kind}/${encodeURIComponent(id)}/answer`,
      { body, headers: keyed(idempotencyKey) },
    );
  }

  /** The office designates an operator. */
  designateOperator(
    operatorId: string,
    body: DesignationBody,
    idempotencyKey?: string,
  ): Promise<Accepted> {
    return this.request('POST', `/v1/compliance/${encodeURIComponent(operatorId)}/designation`, {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  submitFlowBatch(body: FlowBatchBody, idempotencyKey?: string): Promise<FlowBatchAnswer> {
    return this.request('POST', '/v1/traffic/flow-batches', {
      body,
      headers: keyed(idempotencyKey),
    });
  }

  /** Opens the server-sent-events stream; the caller reads `response.body`. */
  async openStream(
    query: Record<string, string | undefined>,
    lastEventId: string | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    const { status, body, response } = await this.raw('GET', '/v1/stream', {
      query,
      headers: {
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      ...(signal ? { signal } : {}),
    });
    if (status < 200 || status >= 300) {
      const b = (typeof body === 'object' && body !== null ? body : {}) as ApiErrorBody;
      throw new ApiError(status, b, describeError(status, b));
    }
    if (!response.body) throw new ApiError(status, {}, 'the stream answered without a body');
    return response;
  }
}

function keyed(idempotencyKey: string | undefined): Record<string, string> {
  return idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
