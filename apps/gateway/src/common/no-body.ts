/** Pure parts of NoBodyInterceptor (unit tests cannot import Nest). */

/** Metadata of a handler that accepts a body and reads none of it (`@IgnoresBody()`). */
export const IGNORES_BODY = 'acd:ignores-body';

/** Where Nest keeps a handler's parameter decorators (`@nestjs/common` ROUTE_ARGS_METADATA). */
export const ROUTE_ARGS = '__routeArguments__';
/** `@Body()` and `@RawBody()` (RouteParamtypes.BODY, RAW_BODY): their keys are `<type>:<index>`. */
const BODY_PARAMS = ['3:', '12:'];

/** Whether a parsed body carries anything: no body, `{}` and `[]` do not. */
export function bodyHasContent(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return false;
  if (Array.isArray(body)) return body.length > 0;
  if (typeof body === 'object') return Object.keys(body).length > 0;
  return true;
}

/** Whether the handler's parameters name a body (`@Body()` or `@RawBody()`). */
export function handlerTakesBody(args: Record<string, unknown> | undefined): boolean {
  return Object.keys(args ?? {}).some((k) => BODY_PARAMS.some((p) => k.startsWith(p)));
}
