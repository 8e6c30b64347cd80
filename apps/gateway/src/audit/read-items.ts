// Plain functions (no Nest), so the unit tier can load them.

/** Which items a response carries: from the path parameters and the body the handler returned. */
export type ItemsOf = (body: unknown, params: Record<string, string>) => string[];

/** The ids of one route parameter. */
export const param =
  (...names: string[]): ItemsOf =>
  (_body, params) => [names.map((n) => params[n] ?? '').join('/')];

/** `field` of each item of a page (`{items: [...]}`) or of a plain array. */
export const eachOf =
  (field: string, list = 'items'): ItemsOf =>
  (body) => {
    const items = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.[list];
    if (!Array.isArray(items)) return [];
    return items
      .map((i) => (i as Record<string, unknown> | null)?.[field])
      .filter((v): v is string => typeof v === 'string');
  };
