/**
 * Every options object of NoDB and S3Store rejects names it does not know,
 * and values that would change what a call does without a word.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, MemoryStore, NoDB, PresignedStore, S3Store } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';

const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9';

/** Runs `call` and returns what it threw, or undefined. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('constructor options', () => {
  it('rejects a misspelt S3 option', () => {
    const options = { bucket: 'b', endpoints: endpoint, credentials };
    expect(() => new NoDB(options as never)).toThrowError(InvalidOptionsError);
    expect(() => new NoDB(options as never)).toThrowError(/has no option "endpoints"/);
    expect(() => new S3Store(options as never)).toThrowError(/new S3Store\(\) has no option "endpoints"/);
  });

  it('rejects a misspelt record option', () => {
    const call = () => new NoDB({ store: new MemoryStore(), indx: 'name' } as never);
    expect(call).toThrowError(/new NoDB\(\) has no option "indx"; its options are index, prefix/);
  });

  it('rejects a store with S3 options', () => {
    const call = () => new NoDB({ store: new MemoryStore(), bucket: 'b' } as never);
    expect(call).toThrowError(InvalidOptionsError);
    expect(call).toThrowError(/either a store or the options of an S3Store, not both; got store and "bucket"/);
  });

  it('rejects a store without the ObjectStore methods', () => {
    expect(() => new NoDB({ store: {} as never })).toThrowError(/store must be an ObjectStore/);
    expect(() => new NoDB({ store: null as never })).toThrowError(/store must be an ObjectStore/);
  });

  it('rejects a humanReadableIndexes that is not a boolean', () => {
    const call = () => new NoDB({ store: new MemoryStore(), humanReadableIndexes: 'yes' as never });
    expect(call).toThrowError(/humanReadableIndexes must be true or false; got "yes"/);
  });

  it('accepts a store with S3 options left undefined', () => {
    const db = new NoDB({ store: new MemoryStore(), bucket: undefined } as never);
    expect(db.store).toBeInstanceOf(MemoryStore);
  });

  it('accepts a store without listPage', () => {
    const memory = new MemoryStore();
    const wrapper = {
      description: 'wrapper',
      get: memory.get.bind(memory),
      head: memory.head.bind(memory),
      put: memory.put.bind(memory),
      delete: memory.delete.bind(memory),
      list: memory.list.bind(memory),
    };
    expect(new NoDB({ store: wrapper as never }).store).toBe(wrapper);
  });

  it('accepts options left undefined', () => {
    const db = new NoDB({ bucket: 'b', endpoint, credentials, region: undefined, store: undefined, index: undefined });
    expect(db.store).toBeInstanceOf(S3Store);
    expect(db.index).toBe('id');
  });

  it('passes only S3 options to the S3Store', () => {
    const db = new NoDB({ bucket: 'b', endpoint, credentials, region: 'eu-west-1', prefix: 'p/' });
    expect((db.store as S3Store).region).toBe('eu-west-1');
    expect((db.store as S3Store).bucket).toBe('b');
  });
});

describe('method options', () => {
  const db = new NoDB({ store: new MemoryStore() });

  it('rejects a misspelt ifMatch before writing', async () => {
    const error = await thrown(() => db.save({ id: 'a' }, { ifmatch: '"x"' } as never));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(/save\(\) has no option "ifmatch"; its options are index, ifMatch, onlyIfNew, signal/);
    expect(await db.exists('a')).toBe(false);
  });

  it('rejects an ifMatch that is not a string', async () => {
    const error = await thrown(() => db.save({ id: 'a' }, { ifMatch: 5 as never }));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(/ifMatch must be the ETag of a stored record.*; got 5\./);
  });

  it('rejects ifMatch with onlyIfNew', async () => {
    const error = await thrown(() => db.save({ id: 'a' }, { ifMatch: '"x"', onlyIfNew: true }));
    expect((error as Error).message).toMatch(/ifMatch .* or onlyIfNew .*, not both/);
  });

  it('rejects an onlyIfNew that is not a boolean', async () => {
    const error = await thrown(() => db.save({ id: 'a' }, { onlyIfNew: 'yes' as never }));
    expect((error as Error).message).toMatch(/onlyIfNew must be true or false; got "yes"/);
  });

  it('rejects a misspelt load option', async () => {
    const error = await thrown(() => db.load('a', { defualt: 1 } as never));
    expect((error as Error).message).toMatch(/load\(\) has no option "defualt"/);
  });

  it('rejects a bad delete option', async () => {
    await db.save({ id: 'kept' });
    expect((await thrown(() => db.delete('kept', { ifMatch: '' })) as Error).message).toMatch(/ifMatch must be/);
    expect((await thrown(() => db.delete('kept', { if_match: '"x"' } as never)) as Error).message).toMatch(/delete\(\) has no option "if_match"/);
    expect(await db.exists('kept')).toBe(true);
  });

  it('rejects a misspelt exists option', async () => {
    expect((await thrown(() => db.exists('a', { signl: undefined } as never)) as Error).message).toMatch(/exists\(\) has no option "signl"/);
  });

  it('rejects an unknown all() order', () => {
    expect(() => db.all({ order: 'newest' as never })).toThrowError(/order must be "key" or "inserted"; got "newest"/);
    expect(() => db.all({ onDecodeError: 'skip' as never })).toThrowError(/onDecodeError must be a function/);
    expect(() => db.all({ metainf: true } as never)).toThrowError(/all\(\) has no option "metainf"/);
  });
});

describe('nested and store options', () => {
  const s3 = { bucket: 'b', endpoint, credentials };

  it('rejects a misspelt retry option', () => {
    expect(() => new S3Store({ ...s3, retry: { retires: 5 } as never })).toThrowError(/retry has no option "retires"/);
    expect(() => new S3Store({ ...s3, retry: 5 as never })).toThrowError(/retry must be an object/);
  });

  it('rejects a misspelt or non-function hook', () => {
    expect(() => new S3Store({ ...s3, hooks: { beforeRequst: () => {} } as never })).toThrowError(/hooks has no option "beforeRequst"/);
    expect(() => new S3Store({ ...s3, hooks: { afterResponse: 'log' } as never })).toThrowError(/hooks.afterResponse must be a function/);
  });

  it('rejects a misspelt compression option', () => {
    const call = () => new NoDB({ store: new MemoryStore(), compression: { treshold: 10 } as never });
    expect(call).toThrowError(/compression has no option "treshold"/);
  });

  it('rejects misspelt store options', () => {
    expect(() => new MemoryStore({ nmae: 'x' } as never)).toThrowError(/new MemoryStore\(\) has no option "nmae"/);
    const presigned = () => new PresignedStore({ signer: 'http://127.0.0.1:9/sign', signerHeader: {} } as never);
    expect(presigned).toThrowError(/new PresignedStore\(\) has no option "signerHeader"/);
  });

  it('rejects a misspelt signer option', () => {
    const call = () => createSigner({ ...s3, prefix: 'p/', authorise: () => true } as never);
    expect(call).toThrowError(InvalidOptionsError);
    expect(call).toThrowError(/createSigner\(\) has no option "authorise"/);
  });

  it('rejects misspelt update and lock options', async () => {
    const db = new NoDB({ store: new MemoryStore() });
    const update = await thrown(() => db.update('a', () => ({ id: 'a' }), { retires: 0 } as never));
    expect((update as Error).message).toMatch(/update\(\) has no option "retires"/);
    const lock = await thrown(() => db.lock('a', { wiat: 10 } as never));
    expect((lock as Error).message).toMatch(/lock\(\) has no option "wiat"/);
    expect(await db.exists('a')).toBe(false);
  });
});
