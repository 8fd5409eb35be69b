import { describe, expect, it } from 'vitest';
import { illFormedTextAt } from '../../server/transport/validate.js';

// The error names where the bad text is, so a client (or a person reading a log) can find it.
describe('finding text that is not well-formed Unicode in a payload', () => {
  it('accepts well-formed text, astral characters (a valid surrogate pair) included', () => {
    expect(illFormedTextAt({ body: '𠮷野家で会議', ids: ['a', 'b'], nested: { list: [{ x: '😀' }] } })).toBeNull();
  });

  it('names the path of a lone surrogate in a value, through objects and arrays', () => {
    expect(illFormedTextAt('\uD800')).toBe('');
    expect(illFormedTextAt({ body: 'ok\uDC00' })).toBe('body');
    expect(illFormedTextAt({ userIds: ['a', 'b', '\uD800c'] })).toBe('userIds.2');
    expect(illFormedTextAt({ a: { b: [{ c: 'fine' }, { c: 'x\uDBFF' }] } })).toBe('a.b.1.c');
  });

  it('names a key that holds a lone surrogate, and reports the first bad string only', () => {
    expect(illFormedTextAt({ ok: 'x', ['k\uD800']: 'fine' })).toBe('k\uD800');
    expect(illFormedTextAt({ first: '\uD800', second: '\uDC00' })).toBe('first');
  });
});
