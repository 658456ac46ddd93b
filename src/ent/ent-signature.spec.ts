import { checkEntSignature, signEntRequest } from './ent-signature';

const secret = 'a-shared-secret-of-some-length';
const body = Buffer.from('{"id":"42"}');

describe('ENT request signature', () => {
  it('accepts a fresh, correctly signed request', () => {
    const signature = signEntRequest(secret, 1000, body);
    expect(checkEntSignature(secret, { signature, timestamp: '1000' }, body, 1100, 300)).toBe('ok');
  });
  it('refuses a signature made with another secret or over another body', () => {
    const signature = signEntRequest('another-secret-entirely', 1000, body);
    expect(checkEntSignature(secret, { signature, timestamp: '1000' }, body, 1000, 300)).toBe('invalid');
    const good = signEntRequest(secret, 1000, body);
    expect(checkEntSignature(secret, { signature: good, timestamp: '1000' }, Buffer.from('{"id":"43"}'), 1000, 300)).toBe('invalid');
  });
  it('binds the timestamp into the signature', () => {
    const signature = signEntRequest(secret, 1000, body);
    expect(checkEntSignature(secret, { signature, timestamp: '1001' }, body, 1001, 300)).toBe('invalid');
  });
  it('refuses requests older or further in the future than the window', () => {
    const old = signEntRequest(secret, 1000, body);
    expect(checkEntSignature(secret, { signature: old, timestamp: '1000' }, body, 1301, 300)).toBe('stale');
    const future = signEntRequest(secret, 2000, body);
    expect(checkEntSignature(secret, { signature: future, timestamp: '2000' }, body, 1000, 300)).toBe('stale');
  });
  it('reports missing headers and garbage timestamps', () => {
    expect(checkEntSignature(secret, {}, body, 1000, 300)).toBe('missing');
    expect(checkEntSignature(secret, { signature: 'x', timestamp: 'soon' }, body, 1000, 300)).toBe('invalid');
  });
});
