import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeasureError } from '../errors.js';
import { type PollClock, pollOnce, VIP_POLL, type VipClient, waitUntilAllAnswer } from './vip-poller.js';

/** A clock that moves only when the poller sleeps or a fake batch takes time. */
function fakeClock(): PollClock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const BATCH_MS = 300;

/** A client whose VIPs answer from a given round on (Infinity: never); each batch takes BATCH_MS. */
function fakeClient(clock: { t: number }, answersFromRound: (vip: string) => number) {
  const batches: string[][] = [];
  const sent = new Map<string, number>();
  const client: VipClient = {
    where: 'fake client',
    async getBatch(vips, port, timeoutMs) {
      assert.equal(port, 8080);
      assert.equal(timeoutMs, VIP_POLL.requestTimeoutMs);
      batches.push([...vips]);
      clock.t += BATCH_MS;
      return vips.map((v) => {
        const round = (sent.get(v) ?? 0) + 1;
        sent.set(v, round);
        const answered = round >= answersFromRound(v);
        return { answered, node: answered ? `node-of-${v}` : null };
      });
    },
  };
  return { client, batches, sent };
}

const vipsOf = (n: number) => Array.from({ length: n }, (_, i) => `198.18.1.${i + 1}`);

test('every VIP goes out once per round in batches of the shared size; all answering ends the poll', async () => {
  const clock = fakeClock();
  const { client, batches, sent } = fakeClient(clock, () => 1);
  const vips = vipsOf(40);
  const ms = await waitUntilAllAnswer(client, vips, 8080, 60_000, undefined, clock);
  assert.deepEqual(
    batches.map((b) => b.length),
    [16, 16, 8],
  );
  assert.deepEqual(batches.flat(), vips);
  assert.ok([...sent.values()].every((n) => n === 1));
  assert.equal(ms, 3 * BATCH_MS);
  assert.deepEqual(clock.sleeps, []);
});

test('a VIP that answers late is re-sent alone each round and times the poll', async () => {
  const clock = fakeClock();
  const late = '198.18.1.7';
  const { client, batches } = fakeClient(clock, (v) => (v === late ? 3 : 1));
  const ms = await waitUntilAllAnswer(client, vipsOf(20), 8080, 60_000, undefined, clock);
  assert.deepEqual(batches.slice(2), [[late], [late]]);
  // Round 1: two batches; rounds 2 and 3: one each, with the interval before each.
  assert.equal(ms, 4 * BATCH_MS + 2 * VIP_POLL.roundIntervalMs);
  assert.deepEqual(clock.sleeps, [VIP_POLL.roundIntervalMs, VIP_POLL.roundIntervalMs]);
});

test('a VIP that never answers ends the poll with null once the timeout has passed, bounded in batches', async () => {
  const clock = fakeClock();
  const { client, batches } = fakeClient(clock, (v) => (v === '198.18.1.1' ? Infinity : 1));
  const ms = await waitUntilAllAnswer(client, vipsOf(3), 8080, 5000, undefined, clock);
  assert.equal(ms, null);
  // 300 ms batch + 200 ms pause per round: 10 rounds fill 5 s, and no batch starts after it.
  assert.equal(batches.length, 10);
  assert.ok(clock.t >= 5000 && clock.t <= 5000 + BATCH_MS + VIP_POLL.roundIntervalMs);
});

test('a zero timeout sends nothing (no time left to hear an answer)', async () => {
  const clock = fakeClock();
  const { client, batches } = fakeClient(clock, () => 1);
  assert.equal(await waitUntilAllAnswer(client, vipsOf(2), 8080, 0, undefined, clock), null);
  assert.equal(batches.length, 0);
});

test('an abort during a batch ends the poll with null before the next batch', async () => {
  const clock = fakeClock();
  const ac = new AbortController();
  const { client, batches } = fakeClient(clock, () => Infinity);
  const inner = client.getBatch.bind(client);
  client.getBatch = async (vips, port, t) => {
    if (batches.length === 1) ac.abort();
    return inner(vips, port, t);
  };
  const ms = await waitUntilAllAnswer(client, vipsOf(40), 8080, 60_000, ac.signal, clock);
  assert.equal(ms, null);
  assert.equal(batches.length, 2);
});

test('a client that cannot run rejects the poll with a MeasureError naming where it runs', async () => {
  const broken: VipClient = {
    where: 'client namespace l2b-gone',
    getBatch: async () => {
      throw new Error('Cannot open network namespace');
    },
  };
  await assert.rejects(waitUntilAllAnswer(broken, vipsOf(2), 8080, 60_000, undefined, fakeClock()), (e) => {
    assert.ok(e instanceof MeasureError);
    assert.match(e.message, /client namespace l2b-gone: Cannot open network namespace/);
    assert.ok(e.cause instanceof Error);
    return true;
  });
  const short: VipClient = { where: 'fake', getBatch: async () => [] };
  await assert.rejects(pollOnce(short, vipsOf(2), 8080), /returned 0 answers for 2 requests/);
});

test('no VIPs answer at once; a VIP listed twice is polled once', async () => {
  const clock = fakeClock();
  const { client, batches } = fakeClient(clock, () => 1);
  assert.equal(await waitUntilAllAnswer(client, [], 8080, 1000, undefined, clock), 0);
  assert.equal(
    await waitUntilAllAnswer(client, ['198.18.1.1', '198.18.1.1'], 8080, 1000, undefined, clock),
    BATCH_MS,
  );
  assert.deepEqual(batches, [['198.18.1.1']]);
});

test('pollOnce sends each VIP once, batched, and reports who answered', async () => {
  const clock = fakeClock();
  const { client, batches } = fakeClient(clock, (v) => (v === '198.18.1.2' ? Infinity : 1));
  const r = await pollOnce(client, vipsOf(17), 8080);
  assert.deepEqual(
    batches.map((b) => b.length),
    [16, 1],
  );
  assert.deepEqual(r.get('198.18.1.1'), { answered: true, node: 'node-of-198.18.1.1' });
  assert.deepEqual(r.get('198.18.1.2'), { answered: false, node: null });
});
