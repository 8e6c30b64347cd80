import fc from 'fast-check';
import {
  constantTimeEqual,
  generateToken,
  hashToken,
  looksLikeToken,
  TOKEN_PREFIX,
  tokenMatchesHash,
} from './token';

describe('bearer tokens', () => {
  it('are prefixed, carry 32 random bytes in base64url and never repeat', () => {
    const tokens = Array.from({ length: 1000 }, generateToken);
    for (const token of tokens) {
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(looksLikeToken(token)).toBe(true);
      expect(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('are stored as a SHA-256 hex digest that matches only the same token', () => {
    const token = generateToken();
    const stored = hashToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token.slice(TOKEN_PREFIX.length));
    expect(tokenMatchesHash(token, stored)).toBe(true);
    expect(tokenMatchesHash(generateToken(), stored)).toBe(false);
    expect(hashToken('acd_test')).toBe(
      'ed979611d4966b073b89f29221b884d6780157f6a976161cbc872ab6fd898132',
    );
  });

  it('constantTimeEqual agrees with === for any strings, of any lengths', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });

  it('looksLikeToken refuses anything else', () => {
    expect(looksLikeToken('acd_short')).toBe(false);
    expect(looksLikeToken(`xyz_${'a'.repeat(43)}`)).toBe(false);
    expect(looksLikeToken(`acd_${'a'.repeat(42)}=`)).toBe(false);
  });
});
