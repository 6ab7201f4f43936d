// A second process appending to a data directory's file spool, as a running server does while
// `crux reconcile` drains the same spool: `tsx spool-appender.ts <dataDir> <count>`.
import { FileSpool } from '../../src/ledger/spool.ts';

const [dataDir, count] = [process.argv[2] ?? '', Number(process.argv[3])];
const spool = new FileSpool(dataDir);
for (let i = 0; i < count; i++)
  await spool.append({
    rowId: `other-process-${i}`,
    settlement: { status: 'ok', costSource: 'usage', costUsd: '0.0000001' },
  });
