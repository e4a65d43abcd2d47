import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/index.js';
import { parseErrorBody } from '../../src/store/s3-errors.js';
import { decodeEntities } from '../../src/store/s3-xml.js';
import { parseList } from '../helpers/list-page.js';

const page = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>`;
const entry = (key: string) => `<Contents><Key>${key}</Key><ETag>&quot;abc&quot;</ETag><Size>3</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>`;

describe('parseListResponse', () => {
  it('reads entries and token', async () => {
    const result = await parseList(page(`${entry('a')}${entry('b')}<IsTruncated>true</IsTruncated><NextContinuationToken>t1</NextContinuationToken>`), 'b');
    expect(result.objects.map((info) => info.key)).toEqual(['a', 'b']);
    expect(result.objects[0]).toMatchObject({ etag: '"abc"', size: 3 });
    expect(result.nextToken).toBe('t1');
  });

  it('decodes entities in keys', async () => {
    const result = await parseList(page(`${entry('&lt;x&gt;&amp;&quot;&#x27;&#39;')}<IsTruncated>false</IsTruncated>`), 'b');
    expect(result.objects[0]!.key).toBe(`<x>&"''`);
  });

  it('URL-decodes keys when the response says so', async () => {
    const result = await parseList(page(`<EncodingType>url</EncodingType>${entry('a%2Bb%20c%2F%E6%97%A5')}<IsTruncated>false</IsTruncated>`), 'b');
    expect(result.objects[0]!.key).toBe('a+b c/日');
  });

  it('leaves keys alone without EncodingType', async () => {
    const result = await parseList(page(`${entry('100%25')}<IsTruncated>false</IsTruncated>`), 'b');
    expect(result.objects[0]!.key).toBe('100%25');
  });

  it('rejects truncated page without token', async () => {
    await expect(parseList(page(`${entry('a')}<IsTruncated>true</IsTruncated>`), 'bucket "b"')).rejects.toThrowError(ProtocolError);
    await expect(parseList(page(`${entry('a')}<IsTruncated>true</IsTruncated>`), 'bucket "b"')).rejects.toThrowError(/no continuation token/);
  });

  it('rejects a document of another kind', async () => {
    await expect(parseList('<Error><Code>AccessDenied</Code></Error>', 'b')).rejects.toThrowError(ProtocolError);
  });
});

describe('parseErrorBody', () => {
  it('reads code, message and request id', () => {
    const body = parseErrorBody('<Error><Code>NoSuchBucket</Code><Message>gone &amp; lost</Message><RequestId>r1</RequestId></Error>');
    expect(body).toEqual({ code: 'NoSuchBucket', message: 'gone & lost', requestId: 'r1', region: undefined });
  });

  it('tolerates an unreadable body', () => {
    expect(parseErrorBody('<html>oops')).toEqual({ code: undefined, message: undefined, requestId: undefined, region: undefined });
  });

  it('leaves unknown entities', () => {
    expect(decodeEntities('&nbsp;&amp;')).toBe('&nbsp;&');
  });
});
