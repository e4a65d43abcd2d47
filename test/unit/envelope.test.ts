import { describe, expect, it } from 'vitest';
import { DecodeError, decodeEnvelope, formatPythonUtc } from '../../src/index.js';

const encoder = new TextEncoder();

describe('formatPythonUtc', () => {
  it('prints microseconds', () => {
    expect(formatPythonUtc(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67)))).toBe('2026-01-02 03:04:05.067000');
  });

  it('omits a zero fraction as Python does', () => {
    expect(formatPythonUtc(new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 0)))).toBe('2026-12-31 23:59:59');
  });
});

describe('decodeEnvelope', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['invalid UTF-8', new Uint8Array([0xff, 0xfe, 0x00]), /not UTF-8 JSON/],
    ['plain text', encoder.encode('hello'), /not UTF-8 JSON/],
    ['JSON without envelope', encoder.encode('{"name": "x"}'), /lacks the "serializer"/],
    ['JSON array', encoder.encode('[1, 2]'), /lacks the "serializer"/],
    ['missing obj', encoder.encode('{"serializer": "json", "dt": "", "uuid": ""}'), /lacks the "serializer"/],
    ['pickle record', encoder.encode('{"serializer": "pickle", "dt": "", "uuid": "", "obj": "gAN9cQA="}'), /unpickling runs code/],
    ['unknown serializer', encoder.encode('{"serializer": "yaml", "dt": "", "uuid": "", "obj": 1}'), /unknown serializer "yaml"/],
  ];

  for (const [name, bytes, message] of cases) {
    it(`rejects ${name}`, () => {
      let caught: unknown;
      try {
        decodeEnvelope(bytes, '.nodb/some-key');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DecodeError);
      expect((caught as DecodeError).key).toBe('.nodb/some-key');
      expect((caught as DecodeError).message).toMatch(message);
      expect((caught as DecodeError).message).toContain('.nodb/some-key');
    });
  }

  it('keeps __proto__ keys as plain data', () => {
    const bytes = encoder.encode('{"serializer": "json", "dt": "", "uuid": "", "obj": {"__proto__": {"polluted": true}}}');
    const envelope = decodeEnvelope<Record<string, unknown>>(bytes, 'k');
    expect(Object.getPrototypeOf(envelope.obj)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
