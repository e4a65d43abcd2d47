import { NoDB } from 'nodb';

const db = new NoDB({
  bucket: 'nodb-demo',
  endpoint: process.env.NODB_ENDPOINT ?? 'http://127.0.0.1:4568',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  index: 'id',
});

const saved = await db.save({ id: 'ada', name: 'Ada Lovelace', born: 1815 });
console.log('saved under', saved.key);

console.log('loaded', await db.load('ada'));
console.log('missing', await db.load('nobody', { default: null }));

let count = 0;
for await (const record of db.all()) count += 1;
console.log('records in the bucket:', count);

await db.delete('ada');
console.log('exists after delete:', await db.exists('ada'));
