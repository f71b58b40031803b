import { consoleFilter, repeatSuppressor } from './console-filter';

// lines as serverless offline, powertools and the matching host print them
const EDGE_ROUTINE = [
  '',
  'Starting Offline at stage local (us-east-1)',
  '   * authRegister: exchange-local-authRegister',
  '│   POST   | http://localhost:3000/v1/orders                                    │',
  '│   POST   | http://localhost:3000/v1/ops/dr/failover                          │',
  '   * opsDrFailover: exchange-local-opsDrFailover',
  'Configuring Authorization: v1/ops/dr/failover authorizer',
  'Running Authorization function for post /v1/accounts/deposits (λ: authorizer)',
  'Authorization function returned a successful response: (λ: authorizer)',
  'POST /v1/auth/register (λ: authRegister)',
  '(λ: authRegister) RequestId: 83b3288d-16d9-4fdf-8026-490b86b640e9  Duration: 286.45 ms  Billed Duration: 287 ms',
  '× Identity Source is null for header authorization (λ: authorizer)',
  '{"_aws":{"Timestamp":1796284226782,"CloudWatchMetrics":[]},"service":"exchange","DepositCompleted":1}',
  '{"level":"INFO","message":"request refused","timestamp":"2026-12-03T07:42:40.175Z","service":"exchange","status":422,"code":"INSUFFICIENT_FUNDS"}',
  '× [504] - Lambda timeout.',
  'Successfully invoked scheduled function: [streamsHeartbeat]',
  'received connection',
  "Authorization response didn't authorize user to access resource: (λ: wsAuthorizer)",
  'Got SIGINT signal. Offline Halting...',
];

describe('consoleFilter', () => {
  it('hides what serverless offline prints for every request and at start-up', () => {
    const f = consoleFilter('edge');
    expect(EDGE_ROUTINE.map(f.line).filter((l) => l !== undefined)).toEqual([]);
    f.ready();
    expect(
      EDGE_ROUTINE.slice(7)
        .map(f.line)
        .filter((l) => l !== undefined),
    ).toEqual([]);
  });

  it('shows a failed invocation and a failed request as one line each', () => {
    const f = consoleFilter('edge');
    f.ready();
    expect(f.line("× Unhandled Lambda Error during invoke of 'exchange-local-sfnSettlementAnnounce': Error: [504] - Lambda timeout.")).toBe(
      "× Unhandled Lambda Error during invoke of 'exchange-local-sfnSettlementAnnounce': Error: [504] - Lambda timeout.",
    );
    const failed = JSON.stringify({
      level: 'ERROR',
      message: 'request failed',
      timestamp: '2026-12-03T07:42:40.175Z',
      service: 'exchange',
      function_name: 'exchange-local-ordersPlace',
      function_request_id: 'r-1',
      cold_start: false,
      requestId: 'req-9',
      error: { name: 'Error', message: 'connect ECONNREFUSED', stack: 'Error: connect ECONNREFUSED\n    at x' },
    });
    expect(f.line(failed)).toBe('ERROR ordersPlace: request failed: connect ECONNREFUSED (requestId=req-9)');
  });

  it("shows the host's warnings and errors, not its info lines", () => {
    const f = consoleFilter('host');
    expect(
      f.line('{"level":30,"time":"2026-12-03T07:45:13.066Z","service":"matching-host","grpcPort":50051,"msg":"serving"}'),
    ).toBeUndefined();
    expect(
      f.line(
        '{"level":40,"time":"2026-12-03T07:45:13.660Z","service":"matching-host","peer":"127.0.0.1:50051","msg":"standby fell behind"}',
      ),
    ).toBe('WARN standby fell behind (peer=127.0.0.1:50051)');
    expect(f.line('{"level":50,"time":"2026-12-03T07:45:13.660Z","err":{"message":"ENOSPC"},"msg":"journal write failed"}')).toBe(
      'ERROR journal write failed: ENOSPC',
    );
  });

  it('shows a schedule that failed', () => {
    const f = consoleFilter('edge');
    f.ready();
    expect(f.line('Failed to execute scheduled function: [streamsHeartbeat] Error: fetch failed')).toBe(
      'Failed to execute scheduled function: [streamsHeartbeat] Error: fetch failed',
    );
  });

  it('shows what a crashing process prints once it is up (not JSON, not routine)', () => {
    const f = consoleFilter('edge');
    f.ready();
    expect(f.line('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')).toBe(
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
  });
});

describe('repeatSuppressor', () => {
  it('shows a repeating message once per window, then with how often it came', () => {
    const out: string[] = [];
    let t = 0;
    const log = repeatSuppressor(
      (l) => out.push(l),
      60_000,
      () => t,
    );
    for (let i = 0; i < 12; i++, t += 5_000) log('streamsHeartbeat failed: fetch failed');
    log('edge restarted');
    log('streamsHeartbeat failed: fetch failed');
    expect(out).toEqual([
      'streamsHeartbeat failed: fetch failed',
      'edge restarted',
      'streamsHeartbeat failed: fetch failed (and 11 more times in the last 60 s)',
    ]);
  });
});
