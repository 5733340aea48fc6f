/** Property tests: the Basic parser never throws, and decodes whatever a conforming client encodes. */
import fc from 'fast-check';
import { parseBasicAuthorization } from './basic-credentials';

/** What RFC 6749 §2.3.1 asks a client to send. */
const encode = (id: string, secret: string) => {
  const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`, 'utf8').toString('base64')}`;
};

describe('parseBasicAuthorization (properties)', () => {
  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `Basic ${s}`), fc.uint8Array().map((b) => `Basic ${Buffer.from(b).toString('base64')}`)), (header) => {
        const r = parseBasicAuthorization(header);
        expect(['absent', 'other-scheme', 'malformed', 'ok']).toContain(r.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any client id and secret a conforming client encodes, colons and all', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (id, secret) => {
        expect(parseBasicAuthorization(encode(id, secret))).toEqual({ kind: 'ok', clientId: id, secret });
      }),
      { numRuns: 2000 },
    );
  });
});
