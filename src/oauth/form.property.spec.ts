/** Property tests over the token endpoint's parameter handling. */
import fc from 'fast-check';
import { OAuthError } from '../common/errors/oauth-error';
import { buildScopeCatalog, DEFAULT_AUDIENCES } from '../config/scope-catalog';
import { parseFormBody } from './form';
import { decideGrant } from './scope-request';

const catalog = buildScopeCatalog(DEFAULT_AUDIENCES);
const allScopes = [...catalog.audienceOf.keys()];

describe('form parsing and grant decisions (properties)', () => {
  it('parseFormBody never throws and keeps every value of a repeated parameter', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 8 }), fc.string(), (pairs, noise) => {
        const body = new URLSearchParams(pairs).toString();
        const parsed = parseFormBody(body);
        for (const [name] of pairs) {
          const expected = pairs.filter(([n]) => n === name).map(([, v]) => v);
          expect(parsed[name]).toEqual(expected.length === 1 ? expected[0] : expected);
        }
        expect(() => parseFormBody(noise)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('decideGrant either grants a subset of the key’s scopes, with their audiences, or answers an OAuth error', () => {
    fc.assert(
      fc.property(
        fc.subarray(allScopes, { minLength: 1 }),
        fc.option(fc.oneof(fc.string(), fc.subarray(allScopes).map((s) => s.join(' ')))),
        fc.option(fc.oneof(fc.string(), fc.constantFrom(...catalog.audiences))),
        (keyScopes, scope, resource) => {
          try {
            const g = decideGrant(catalog, keyScopes, scope ?? undefined, resource ?? undefined);
            expect(g.scopes.length).toBeGreaterThan(0);
            for (const s of g.scopes) expect(keyScopes).toContain(s);
            const auds = Array.isArray(g.aud) ? g.aud : [g.aud];
            expect(new Set(auds)).toEqual(new Set(g.scopes.map((s) => catalog.audienceOf.get(s))));
            if (resource) expect(auds).toEqual([resource]);
          } catch (err) {
            expect(err).toBeInstanceOf(OAuthError);
            expect((err as OAuthError).status).toBe(400);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
