/**
 * Where the bearer token lives in the browser: sessionStorage only (gone when the tab closes,
 * never sent anywhere but in the Authorization header, never in a URL). Signing out clears it.
 */

const KEY = 'acd.token';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

const session = (): Storage | null => {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
};

export function loadToken(store: Storage | null = session()): string | null {
  const t = store?.getItem(KEY) ?? null;
  return t && t.trim() !== '' ? t : null;
}

export function saveToken(token: string, store: Storage | null = session()): void {
  store?.setItem(KEY, token.trim());
}

export function clearToken(store: Storage | null = session()): void {
  store?.removeItem(KEY);
}
