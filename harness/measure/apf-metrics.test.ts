import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { flowControlWindow } from './apf-metrics.js';
import { parseScrape } from './prom-scrape.js';

function scrape(tMs: number, leaderElection: number, waitSlow: number, rejected: number) {
  const le = 'flow_schema="system-leader-election",priority_level="leader-election"';
  return parseScrape(
    `# TYPE apiserver_flowcontrol_dispatched_requests_total counter
apiserver_flowcontrol_dispatched_requests_total{${le}} ${leaderElection}
apiserver_flowcontrol_dispatched_requests_total{flow_schema="global-default",priority_level="global-default"} 50
# TYPE apiserver_flowcontrol_rejected_requests_total counter
apiserver_flowcontrol_rejected_requests_total{${le},reason="queue-full"} ${rejected}
# TYPE apiserver_flowcontrol_current_executing_seats gauge
apiserver_flowcontrol_current_executing_seats{priority_level="leader-election"} 2
# TYPE apiserver_flowcontrol_nominal_limit_seats gauge
apiserver_flowcontrol_nominal_limit_seats{priority_level="leader-election"} 25
# TYPE apiserver_flowcontrol_request_wait_duration_seconds histogram
apiserver_flowcontrol_request_wait_duration_seconds_bucket{execute="true",${le},le="0"} ${leaderElection - waitSlow}
apiserver_flowcontrol_request_wait_duration_seconds_bucket{execute="true",${le},le="0.005"} ${leaderElection - waitSlow}
apiserver_flowcontrol_request_wait_duration_seconds_bucket{execute="true",${le},le="1"} ${leaderElection}
apiserver_flowcontrol_request_wait_duration_seconds_bucket{execute="true",${le},le="+Inf"} ${leaderElection}
`,
    tMs,
  );
}

test('per level: dispatch rate, rejections and wait p99 of the window, seats at its end', () => {
  const w = flowControlWindow(scrape(0, 1000, 0, 0), scrape(10_000, 1100, 0, 0));
  assert.deepEqual(w.levels, [
    {
      priorityLevel: 'leader-election',
      dispatchedPerSecond: 10,
      rejected: 0,
      waitP99Seconds: 0,
      seatsInUse: 2,
      seatLimit: 25,
    },
  ]);
  // global-default dispatched nothing in the window: left out.
  assert.deepEqual(w.flowSchemas, [
    { flowSchema: 'system-leader-election', priorityLevel: 'leader-election', dispatchedPerSecond: 10 },
  ]);
});

test('requests that queued in the window raise its p99 even when earlier ones did not', () => {
  // 100 new requests, 5 of them waited between 5 ms and 1 s.
  const w = flowControlWindow(scrape(0, 1000, 0, 0), scrape(10_000, 1100, 5, 3));
  const level = w.levels[0];
  assert.ok(level && level.waitP99Seconds !== null && level.waitP99Seconds > 0.5, `${level?.waitP99Seconds}`);
  assert.equal(level?.rejected, 3);
});
