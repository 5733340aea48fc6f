/** Property test: any JSON at all sent to POST /admin/keys is either a valid key request or a 400 problem. */
import fc from 'fast-check';
import { Problem } from '../common/errors/problem';
import { parseBody } from '../common/http/zod-body';
import { createKeySchema } from './create-key.dto';

describe('createKeySchema (properties)', () => {
  it('answers every JSON value with a parsed request or a 400 problem naming fields', () => {
    const almostValid = fc.record(
      {
        account_id: fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.integer()),
        label: fc.oneof(fc.string({ maxLength: 250 }), fc.constant(null)),
        scopes: fc.oneof(fc.array(fc.constantFrom('exchange:orders:read', 'coin:wallets:read', 'x', '')), fc.string()),
        allowed_cidrs: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string(), fc.ipV4().map((ip) => `${ip}/24`)), { maxLength: 35 }),
        token_ttl_seconds: fc.oneof(fc.integer(), fc.double(), fc.string()),
        expires_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), almostValid), (body) => {
        try {
          const dto = parseBody(createKeySchema, body);
          expect(typeof dto.account_id).toBe('string');
          expect(Array.isArray(dto.scopes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Problem);
          expect((err as Problem).status).toBe(400);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
