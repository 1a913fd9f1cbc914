// The peer of tests/bench_push_peer.py: PouchDB replicating RECORDS (a JSON array of documents)
// to express-pouchdb on a loopback port, both on their default LevelDB adapter. Prints one JSON
// line: {"docs", "seconds", "rate", "avg_bytes", "batch_size"}. Only the replication is timed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const express = require('express');
const PouchDB = require('pouchdb');

async function main() {
  const records = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const batchSize = Number(process.env.PEER_BATCH || 100); // PouchDB's default batch_size
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pouchdb-'));
  fs.mkdirSync(path.join(dir, 'server'));
  const ServerDB = PouchDB.defaults({ prefix: path.join(dir, 'server') + path.sep });
  const app = express();
  app.use('/', require('express-pouchdb')(ServerDB, { logPath: path.join(dir, 'log.txt'),
                                                     mode: 'minimumForPouchDB' }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${server.address().port}/expedientes`;
  const local = new PouchDB(path.join(dir, 'client'));
  const docs = records.map((r) => ({ _id: r.uuid, ...r }));
  for (let i = 0; i < docs.length; i += 1000) await local.bulkDocs(docs.slice(i, i + 1000));
  const remote = new PouchDB(url);
  await remote.info(); // creates the database before the clock starts
  const started = process.hrtime.bigint();
  const result = await PouchDB.replicate(local, remote, { batch_size: batchSize });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const avgBytes = docs.reduce((n, d) => n + Buffer.byteLength(JSON.stringify(d)), 0) / docs.length;
  console.log(JSON.stringify({ docs: result.docs_written, seconds, rate: result.docs_written / seconds,
                               avg_bytes: Math.round(avgBytes), batch_size: batchSize }));
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
