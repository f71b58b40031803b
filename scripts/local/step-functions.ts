/**
 * Step Functions for local runs and tests: an HTTP endpoint speaking the service's JSON protocol
 * (what @aws-sdk/client-sfn sends, via AWS_ENDPOINT_URL_SFN), backed by aws-local-stepfunctions.
 * The state machines, their definitions and DefinitionSubstitutions come from
 * resources/statemachines.yml, the file CloudFormation deploys, so local and AWS run the same
 * definitions. Each Task state's Lambda is invoked through `invoke` (serverless offline's Lambda
 * endpoint under `npm start`, the handlers in-process in tests).
 *
 * Served: StartExecution, StartSyncExecution, DescribeExecution, GetExecutionHistory,
 * StopExecution, ListStateMachines, DescribeStateMachine, and for `.waitForTaskToken` tasks
 * (`arn:aws:states:::lambda:invoke.waitForTaskToken`, which aws-local-stepfunctions does not run)
 * SendTaskSuccess and SendTaskFailure: the Lambda is invoked with its Payload, then the state
 * waits for its token. One token per execution (`$$.Task.Token`), as our runbooks wait once.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readProjectYaml } from './serverless-yaml';

const ROOT = join(__dirname, '..', '..');
/** what a state's input and output are */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** Invoke a Lambda function by name; a failure throws an Error whose name is the function's error type. */
export type Invoker = (functionName: string, input: unknown) => Promise<unknown>;

export interface LocalStepFunctions {
  endpoint: string;
  /** `<name>` → its ARN here */
  arnOf(name: string): string;
  close(): Promise<void>;
}

interface MachineSpec {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
}

interface Execution {
  arn: string;
  machine: MachineSpec;
  name: string;
  input: string;
  startDate: Date;
  stopDate?: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  output?: string;
  error?: string;
  cause?: string;
  events: { id: number; timestamp: Date; type: string; details: Record<string, unknown> }[];
  done: Promise<void>;
  abort?: () => void;
}

/** `${self:service}-${sls:stage}-x` as serverless resolves it for the local stage */
const resolveName = (raw: string, stage: string): string => raw.replace('${self:service}', 'exchange').replace('${sls:stage}', stage);
/** a function's logical id (SfnSettlementPostLambdaFunction) → its deployed name (exchange-local-sfnSettlementPost) */
const functionNameOf = (logicalId: string, stage: string): string => {
  const key = logicalId.replace(/LambdaFunction$/, '');
  return `exchange-${stage}-${key[0].toLowerCase()}${key.slice(1)}`;
};

/** The state machines of resources/statemachines.yml, definitions substituted for `stage`. */
export function stateMachines(stage = 'local'): MachineSpec[] {
  const doc = readProjectYaml<{ Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }>(
    join('resources', 'statemachines.yml'),
  );
  const out: MachineSpec[] = [];
  for (const r of Object.values(doc.Resources)) {
    if (r.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const p = r.Properties as {
      StateMachineName: string;
      StateMachineType: 'STANDARD' | 'EXPRESS';
      Definition: string;
      DefinitionSubstitutions?: Record<string, { GetAtt: string }>;
    };
    const file = /^\$\{file\((.+)\)\}$/.exec(p.Definition)?.[1];
    if (!file) throw new Error(`${p.StateMachineName}: Definition must be \${file(...)}`);
    let text = readFileSync(join(ROOT, file), 'utf8');
    for (const [k, v] of Object.entries(p.DefinitionSubstitutions ?? {})) {
      const fn = functionNameOf(v.GetAtt.replace(/\.Arn$/, ''), stage);
      text = text.split(`\${${k}}`).join(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`);
    }
    out.push({
      name: resolveName(p.StateMachineName, stage),
      type: p.StateMachineType,
      definition: JSON.parse(text) as Record<string, unknown>,
    });
  }
  return out;
}

/**
 * An aws-local-stepfunctions event as the service reports it in GetExecutionHistory
 * (`TaskStateEntered` + stateEnteredEventDetails, …), so a client reads the same fields locally
 * and in AWS. Events with no such counterpart (retries, catches) keep the library's shape.
 */
function historyEvent(type: string, d: Record<string, unknown>): Record<string, unknown> {
  const state = d.state as { name: string; type: string; input?: unknown; output?: unknown } | undefined;
  const json = (v: unknown): string => JSON.stringify(v ?? null);
  const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
  switch (type) {
    case 'ExecutionStarted':
      return { type, executionStartedEventDetails: { input: json(d.input) } };
    case 'ExecutionSucceeded':
      return { type, executionSucceededEventDetails: { output: json(d.output) } };
    case 'ExecutionFailed':
      return { type, executionFailedEventDetails: { error: text(d.Error), cause: text(d.Cause) } };
    case 'StateEntered':
      return { type: `${state?.type ?? ''}StateEntered`, stateEnteredEventDetails: { name: state?.name, input: json(state?.input) } };
    case 'StateExited':
      return { type: `${state?.type ?? ''}StateExited`, stateExitedEventDetails: { name: state?.name, output: json(state?.output) } };
    case 'StateFailed':
      return {
        type: state?.type === 'Task' ? 'TaskFailed' : `${state?.type ?? ''}StateFailed`,
        taskFailedEventDetails: { resource: state?.name, error: text(d.Error), cause: text(d.Cause) },
      };
    default:
      return { type, details: d };
  }
}

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** aws-local-stepfunctions needs Promise.withResolvers, which Node 20 lacks. */
function polyfill(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= function <T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/**
 * `keepFinished`: how many finished executions stay describable (the oldest go first), so a long
 * `npm start` under load does not grow without bound. `retryIntervalMs` (tests): every Retry waits
 * this long instead of its IntervalSeconds and BackoffRate, so a test runs a state's retries quickly.
 */
export async function startStepFunctions(options: {
  invoke: Invoker;
  port?: number;
  stage?: string;
  keepFinished?: number;
  retryIntervalMs?: number;
}): Promise<LocalStepFunctions> {
  polyfill();
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machines = new Map(stateMachines(options.stage).map((m) => [m.name, m]));
  const executions = new Map<string, Execution>();
  /** Task invocations running: an aborted execution does not stop the one it is in, so close waits for it */
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  /** tasks waiting for SendTaskSuccess / SendTaskFailure, by token */
  const waiting = new Map<string, { resolve: (output: Json) => void; reject: (e: Error) => void; executionArn: string }>();
  /** arns of finished executions, oldest first */
  const finished: string[] = [];
  const arnOf = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  // accept any region and account: a function builds the ARN from its own
  const machineOf = (arn: unknown): MachineSpec => {
    const name = typeof arn === 'string' ? /^arn:aws:states:[^:]*:[^:]*:stateMachine:(.+)$/.exec(arn)?.[1] : undefined;
    const m = name ? machines.get(name) : undefined;
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return m;
  };
  const executionOf = (arn: unknown): Execution => {
    const e = typeof arn === 'string' ? executions.get(arn) : undefined;
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return e;
  };

  const waiterOf = (token: unknown): { resolve: (output: Json) => void; reject: (e: Error) => void } => {
    const w = typeof token === 'string' ? waiting.get(token) : undefined;
    if (!w) throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist (answered already, or its execution ended)');
    waiting.delete(token as string);
    return w;
  };

  const start = (machine: MachineSpec, name: string | undefined, input: string | undefined): Execution => {
    const execName = name ?? randomUUID();
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:${machine.type === 'EXPRESS' ? 'express' : 'execution'}:${machine.name}:${execName}`;
    const existing = executions.get(arn);
    if (existing) {
      // StartExecution is idempotent by name for the same input (Standard), else refused
      if (existing.input === (input ?? '{}') && machine.type === 'STANDARD') return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input ?? '{}');
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    // every Task runs its Lambda through the invoker, with the Lambda's error type as the error name
    const tasks: Record<string, (input: Json) => Promise<Json>> = {};
    const taskToken = Buffer.from(`${arn}:${randomUUID()}`).toString('base64url');
    const functionOf = (resource: string | undefined): string | undefined =>
      resource ? /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(resource)?.[1] : undefined;
    for (const [state, def] of Object.entries(
      machine.definition.States as Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>,
    )) {
      if (def.Type !== 'Task') continue;
      const fn = functionOf(def.Resource);
      if (fn)
        tasks[state] = async (i: Json) => {
          // an aborted execution may still move on to its next state: it runs nothing once closed
          if (closed) throw new SfnError('ExecutionAborted', 'the local Step Functions endpoint is closed');
          const call = options.invoke(fn, i);
          inFlight.add(call);
          try {
            return (await call) as Json;
          } finally {
            inFlight.delete(call);
          }
        };
      else if (def.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
        const target = functionOf(def.Parameters?.FunctionName);
        if (!target) throw new SfnError('InvalidDefinition', `${state}: waitForTaskToken needs Parameters.FunctionName`);
        tasks[state] = async (i: Json) => {
          const answer = new Promise<Json>((resolve, reject) => waiting.set(taskToken, { resolve, reject, executionArn: arn }));
          // an operator may answer before the Lambda returns: the answer waits here until then
          answer.catch(() => undefined);
          try {
            await options.invoke(target, (i as { Payload?: Json }).Payload ?? null);
          } catch (e) {
            waiting.delete(taskToken);
            throw e;
          }
          return answer;
        };
      }
    }
    const sm = new StateMachine(machine.definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
    const retryIntervalMs = options.retryIntervalMs;
    const retryIntervalOverrides =
      retryIntervalMs === undefined ? undefined : Object.fromEntries(Object.keys(tasks).map((state) => [state, retryIntervalMs]));
    const run = sm.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: tasks, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
      context: { Execution: { Id: arn, Name: execName }, Task: { Token: taskToken } },
    });
    const exec: Execution = {
      arn,
      machine,
      name: execName,
      input: input ?? '{}',
      startDate: new Date(),
      status: 'RUNNING',
      events: [],
      done: Promise.resolve(),
      abort: () => run.abort(),
    };
    const log = async (): Promise<void> => {
      let id = 0;
      for await (const ev of run.eventLogs) {
        const { type, timestamp, ...details } = ev as unknown as { type: string; timestamp: number } & Record<string, unknown>;
        exec.events.push({ id: ++id, timestamp: new Date(timestamp), type, details });
      }
    };
    const logged = log().catch(() => undefined);
    exec.done = run.result.then(
      async (out: unknown) => {
        await logged;
        exec.status = 'SUCCEEDED';
        exec.output = JSON.stringify(out ?? null);
        exec.stopDate = new Date();
      },
      async (e: unknown) => {
        await logged;
        const err = e as { name?: string; message?: string; cause?: unknown };
        exec.status = err.name === 'ExecutionAbortedError' ? 'ABORTED' : err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        // an ExecutionError wraps what ended it: a Fail state's Error and Cause, or a state's uncaught error
        const cause = (err.name === 'ExecutionError' && err.cause instanceof Error ? err.cause : err) as {
          name?: string;
          message?: string;
        };
        exec.error = cause.name ?? 'Error';
        exec.cause = cause.message ?? '';
        exec.stopDate = new Date();
      },
    );
    // a task still waiting for its token when the execution ends (stopped, timed out) waits no more: its
    // promise settles, so the library clears the state's TimeoutSeconds timer (else it holds the process)
    void exec.done.then(() => {
      const w = waiting.get(taskToken);
      waiting.delete(taskToken);
      w?.reject(new SfnError('ExecutionAborted', 'the execution ended while its task waited for its token'));
    });
    executions.set(arn, exec);
    void exec.done.then(() => {
      finished.push(arn);
      while (finished.length > (options.keepFinished ?? 10_000)) executions.delete(finished.shift() as string);
    });
    return exec;
  };

  const describe = (e: Execution): Record<string, unknown> => ({
    executionArn: e.arn,
    stateMachineArn: arnOf(e.machine.name),
    name: e.name,
    status: e.status,
    input: e.input,
    startDate: e.startDate.getTime() / 1000,
    ...(e.stopDate ? { stopDate: e.stopDate.getTime() / 1000 } : {}),
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
  });

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    StartExecution: (b) => {
      const e = start(machineOf(b.stateMachineArn), b.name as string | undefined, b.input as string | undefined);
      return Promise.resolve({ executionArn: e.arn, startDate: e.startDate.getTime() / 1000 });
    },
    StartSyncExecution: async (b) => {
      const m = machineOf(b.stateMachineArn);
      if (m.type !== 'EXPRESS') throw new SfnError('StateMachineTypeNotSupported', 'StartSyncExecution is for Express state machines');
      const e = start(m, b.name as string | undefined, b.input as string | undefined);
      await e.done;
      return describe(e);
    },
    DescribeExecution: (b) => Promise.resolve(describe(executionOf(b.executionArn))),
    GetExecutionHistory: (b) => {
      const e = executionOf(b.executionArn);
      const events = e.events.map((ev) => ({ id: ev.id, timestamp: ev.timestamp.getTime() / 1000, ...historyEvent(ev.type, ev.details) }));
      return Promise.resolve({ events: b.reverseOrder ? events.reverse() : events });
    },
    StopExecution: async (b) => {
      const e = executionOf(b.executionArn);
      if (e.status === 'RUNNING') e.abort?.();
      await e.done;
      return { stopDate: (e.stopDate ?? new Date()).getTime() / 1000 };
    },
    SendTaskSuccess: (b) => {
      let output: Json;
      try {
        output = JSON.parse(String(b.output)) as Json;
      } catch {
        throw new SfnError('InvalidOutput', 'output is not JSON');
      }
      waiterOf(b.taskToken).resolve(output);
      return Promise.resolve({});
    },
    SendTaskFailure: (b) => {
      const w = waiterOf(b.taskToken);
      w.reject(
        Object.assign(new Error(typeof b.cause === 'string' ? b.cause : ''), {
          name: typeof b.error === 'string' && b.error ? b.error : 'States.TaskFailed',
        }),
      );
      return Promise.resolve({});
    },
    ListStateMachines: () =>
      Promise.resolve({
        stateMachines: [...machines.values()].map((m) => ({ stateMachineArn: arnOf(m.name), name: m.name, type: m.type, creationDate: 0 })),
      }),
    DescribeStateMachine: (b) => {
      const m = machineOf(b.stateMachineArn);
      return Promise.resolve({
        stateMachineArn: arnOf(m.name),
        name: m.name,
        type: m.type,
        status: 'ACTIVE',
        definition: JSON.stringify(m.definition),
        roleArn: `arn:aws:iam::${ACCOUNT}:role/local`,
        creationDate: 0,
      });
    },
  };

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const handler = operations[op];
      if (!handler) return answer(res, 400, { __type: 'UnknownOperationException', message: `not served locally: ${op}` });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        return answer(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      // an operation that throws before it returns a promise is answered like one that rejects
      Promise.resolve()
        .then(() => handler(body))
        .then(
          (out) => answer(res, 200, out),
          (e: unknown) =>
            e instanceof SfnError
              ? answer(res, e.status, { __type: e.type, message: e.message })
              : answer(res, 500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arnOf,
    close: async () => {
      closed = true;
      for (const e of executions.values()) if (e.status === 'RUNNING') e.abort?.();
      // a Task still calling its function finishes first (bounded), or it would outlive what it uses
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 5_000).unref())]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
