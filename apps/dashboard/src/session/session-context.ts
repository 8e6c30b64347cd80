import { createContext, useContext } from 'react';
import type { Api } from '../api/client';
import type { WhoAmI } from '../api/types';

export interface Session {
  token: string;
  who: WhoAmI;
  api: Api;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
