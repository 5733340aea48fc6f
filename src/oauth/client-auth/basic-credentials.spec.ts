import { parseBasicAuthorization } from './basic-credentials';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

describe('parseBasicAuthorization', () => {
  it('reads client id and secret', () => {
    expect(parseBasicAuthorization(basic('wgxk_abc:wgxs_def'))).toEqual({ kind: 'ok', clientId: 'wgxk_abc', secret: 'wgxs_def' });
  });

  it('splits on the first colon only, so a secret may contain colons', () => {
    expect(parseBasicAuthorization(basic('id:se:cr:et'))).toEqual({ kind: 'ok', clientId: 'id', secret: 'se:cr:et' });
  });

  it('form-url-decodes both halves (RFC 6749 §2.3.1)', () => {
    expect(parseBasicAuthorization(basic('my%3Aid:p%40ss+word%2B'))).toEqual({ kind: 'ok', clientId: 'my:id', secret: 'p@ss word+' });
  });

  it('accepts the scheme in any case', () => {
    expect(parseBasicAuthorization(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toMatchObject({ kind: 'ok' });
  });

  it.each([
    ['no separator', basic('just-an-id')],
    ['not base64', 'Basic !!!notbase64'],
    ['missing credentials', 'Basic'],
    ['broken percent escape', basic('id:%E0%A4%A')],
    ['empty client id', basic(':secret')],
  ])('reports %s as malformed', (_name, header) => {
    expect(parseBasicAuthorization(header).kind).toBe('malformed');
  });

  it('tells another scheme and an absent header apart', () => {
    expect(parseBasicAuthorization('Bearer abc').kind).toBe('other-scheme');
    expect(parseBasicAuthorization(undefined).kind).toBe('absent');
  });
});
