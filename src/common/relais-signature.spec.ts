import { checkRelaisSignature, signRelaisRequest } from './relais-signature';

const secret = 'a-shared-secret-of-some-length';
const body = Buffer.from('{"id":"42"}');

describe('Relais request signature', () => {
  it('accepts a fresh, correctly signed request', () => {
    const signature = signRelaisRequest(secret, 1000, body);
    expect(checkRelaisSignature(secret, { signature, timestamp: '1000' }, body, 1100, 300)).toBe('ok');
  });
  it('refuses a signature made with another secret or over another body', () => {
    const signature = signRelaisRequest('another-secret-entirely', 1000, body);
    expect(checkRelaisSignature(secret, { signature, timestamp: '1000' }, body, 1000, 300)).toBe('invalid');
    const good = signRelaisRequest(secret, 1000, body);
    expect(checkRelaisSignature(secret, { signature: good, timestamp: '1000' }, Buffer.from('{"id":"43"}'), 1000, 300)).toBe('invalid');
  });
  it('binds the timestamp into the signature', () => {
    const signature = signRelaisRequest(secret, 1000, body);
    expect(checkRelaisSignature(secret, { signature, timestamp: '1001' }, body, 1001, 300)).toBe('invalid');
  });
  it('refuses requests older or further in the future than the window', () => {
    const old = signRelaisRequest(secret, 1000, body);
    expect(checkRelaisSignature(secret, { signature: old, timestamp: '1000' }, body, 1301, 300)).toBe('stale');
    const future = signRelaisRequest(secret, 2000, body);
    expect(checkRelaisSignature(secret, { signature: future, timestamp: '2000' }, body, 1000, 300)).toBe('stale');
  });
  it('reports missing headers and garbage timestamps', () => {
    expect(checkRelaisSignature(secret, {}, body, 1000, 300)).toBe('missing');
    expect(checkRelaisSignature(secret, { signature: 'x', timestamp: 'soon' }, body, 1000, 300)).toBe('invalid');
  });
});
