/**
 * The GitHub Actions files (.github/workflows/, .github/actions/): valid for action-validator (GitHub's
 * schemas, jobs that `needs` exist), every action pinned to a commit, no stored AWS keys; ci.yml runs
 * what .ci/run runs against the three stores as service containers; deploy.yml packages once and
 * deploys that package to staging, then past the approval to prod and dr, each with OIDC
 * credentials only where a job deploys, and releases the hosts by the state machine's name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readProjectYaml } from '../../scripts/local/serverless-yaml';

const ROOT = join(__dirname, '..', '..');
const VALIDATOR = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | boolean | number>;
  env?: Record<string, string>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; env?: Record<string, string>; ports: string[]; options?: string }>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}
interface CompositeAction {
  inputs: Record<string, unknown>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const text = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const yaml = <T>(file: string): T => parse(text(file)) as T;
const FILES = [
  ...readdirSync(join(ROOT, '.github', 'workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(join(ROOT, '.github', 'actions')).map((d) => `.github/actions/${d}/action.yml`),
];
const ci = yaml<Workflow>('.github/workflows/ci.yml');
const deploy = yaml<Workflow>('.github/workflows/deploy.yml');
const deployStage = yaml<CompositeAction>('.github/actions/deploy-stage/action.yml');
const DEPLOY_STAGE = './.github/actions/deploy-stage';
const allSteps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);
const usesOf = (steps: Step[], action: string): Step[] => steps.filter((s) => s.uses?.split('@')[0] === action);
const runs = (steps: Step[]): string => steps.map((s) => s.run ?? '').join('\n');

describe('the GitHub Actions files', () => {
  it('are the workflows ci and deploy and the deploy-stage action', () => {
    expect(FILES.sort()).toEqual(['.github/actions/deploy-stage/action.yml', '.github/workflows/ci.yml', '.github/workflows/deploy.yml']);
  });

  it.each(FILES)('%s passes action-validator', (file) => {
    const r = spawnSync(process.execPath, [VALIDATOR, file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('are checked by an action-validator that refuses an invalid workflow (a job needing one that does not exist)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-validator-'));
    try {
      const file = join(dir, 'broken.yml');
      writeFileSync(file, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nothing\n    steps:\n      - run: echo\n');
      const r = spawnSync(process.execPath, [VALIDATOR, file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('unresolved_job');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pin every action to a full commit, its version in a comment, one commit per action (local actions aside)', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of FILES)
      for (const line of text(file).split('\n')) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(.*)$/.exec(line);
        if (!m || m[1].startsWith('./')) continue;
        expect(`${file}: ${m[1]}`).toMatch(/: [\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(`${file}: ${m[2]}`).toMatch(/: # v\d+\.\d+\.\d+$/);
        const [action, sha] = m[1].split('@');
        pins.set(action, (pins.get(action) ?? new Set()).add(`${sha}${m[2]}`));
      }
    expect([...pins.keys()].sort()).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      'actions/setup-node',
      'actions/upload-artifact',
      'aws-actions/configure-aws-credentials',
    ]);
    for (const [action, versions] of pins) expect(`${action} ${versions.size}`).toBe(`${action} 1`);
  });

  it('hold no AWS keys and read no secrets: AWS credentials come from GitHub’s OIDC token', () => {
    for (const file of FILES) {
      expect(`${file}: ${text(file)}`).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i,
      );
      expect(`${file}: ${text(file)}`).not.toMatch(/secrets\./);
    }
    const credentials = [...allSteps(ci), ...allSteps(deploy), ...deployStage.runs.steps].filter((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(credentials).toHaveLength(1);
    expect(credentials[0].with).toMatchObject({ 'role-to-assume': '${{ inputs.role-to-assume }}' });
  });

  it('take Node from .nvmrc, with npm’s cache, wherever they set it up', () => {
    const setups = [...allSteps(ci), ...allSteps(deploy)].filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThanOrEqual(5);
    for (const s of setups) expect(s.with).toEqual({ 'node-version-file': '.nvmrc', cache: 'npm' });
  });
});

describe('.github/workflows/ci.yml', () => {
  const job = ci.jobs.ci;

  it('runs on every push and pull request, reading the repository only; a newer run of the same ref cancels the older', () => {
    expect(ci.on).toEqual({ pull_request: null, push: null });
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.ref }}', 'cancel-in-progress': true });
    // the status check main requires
    expect(Object.keys(ci.jobs)).toEqual(['ci']);
    expect(job.name).toBe('ci');
  });

  it('runs PostgreSQL (trust), Redis and RabbitMQ as service containers on their usual ports, each with a health check', () => {
    const services = job.services ?? {};
    expect(Object.keys(services)).toEqual(['postgres', 'redis', 'rabbitmq']);
    expect(services.postgres.env).toEqual({ POSTGRES_HOST_AUTH_METHOD: 'trust' });
    expect(Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.ports]))).toEqual({
      postgres: ['5432:5432'],
      redis: ['6379:6379'],
      rabbitmq: ['5672:5672'],
    });
    for (const s of Object.values(services)) expect(s.options).toMatch(/--health-cmd "[^"]+"/);
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:[\d.]+-management$/);
  });

  it('runs what .ci/run runs, in its order: npm ci, spin and gcc installed, npm test', () => {
    const script = text('.ci/run');
    const tools = /for t in ([\w ]+); do command -v/.exec(script)?.[1].split(' ');
    expect(tools).toEqual(['spin', 'gcc']);
    const install = job.steps.find((s) => s.run?.includes('apt-get install'))?.run ?? '';
    for (const tool of tools ?? []) expect(install).toMatch(new RegExp(`apt-get install .*\\b${tool}\\b`));
    const at = (command: string): number => job.steps.findIndex((s) => s.run?.trim().startsWith(command));
    expect(script).toMatch(/^npm ci\b/m);
    expect(script).toMatch(/^npm test$/m);
    expect(at('npm ci')).toBeGreaterThan(job.steps.indexOf(job.steps.find((s) => s.run === install) as Step));
    expect(at('npm test')).toBeGreaterThan(at('npm ci'));
  });

  it('has npm test write jest’s JUnit report to reports/junit.xml, and uploads reports/ whatever failed', () => {
    expect(job.env).toMatchObject({ JEST_JUNIT_OUTPUT_DIR: 'reports', JEST_JUNIT_OUTPUT_NAME: 'junit.xml' });
    const upload = usesOf(job.steps, 'actions/upload-artifact');
    expect(upload).toHaveLength(1);
    expect(upload[0].if).toBe('always()');
    expect(upload[0].with?.path).toBe('reports/');
    expect(job.steps.indexOf(upload[0])).toBe(job.steps.length - 1);
  });

  it('keeps the last line (JSON) of each benchmark it runs as reports/bench-<name>.json, bench:engine among them', () => {
    const scripts = (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts;
    const benches = job.steps.filter((s) => s.run?.includes('npm run -s bench:'));
    const names = benches.map((s) => /npm run -s bench:(\w+)/.exec(s.run ?? '')?.[1] ?? '');
    expect(names).toContain('engine');
    for (const [i, name] of names.entries()) {
      expect(scripts).toHaveProperty(`bench:${name}`);
      expect(benches[i].run).toContain(`tee reports/bench-${name}.log`);
      expect(benches[i].run).toContain(`tail -n 1 reports/bench-${name}.log | jq -e . > reports/bench-${name}.json`);
    }
    expect(job.steps.findIndex((s) => s.run === 'npm test')).toBeLessThan(job.steps.indexOf(benches[0]));
  });
});

describe('jest.config.js', () => {
  const reporters = (dir: string | undefined): unknown[] => {
    const before = process.env.JEST_JUNIT_OUTPUT_DIR;
    if (dir === undefined) delete process.env.JEST_JUNIT_OUTPUT_DIR;
    else process.env.JEST_JUNIT_OUTPUT_DIR = dir;
    try {
      let config: { reporters: unknown[] } = { reporters: [] };
      jest.isolateModules(() => {
        config = jest.requireActual<{ reporters: unknown[] }>(join(ROOT, 'jest.config.js'));
      });
      return config.reporters;
    } finally {
      if (before === undefined) delete process.env.JEST_JUNIT_OUTPUT_DIR;
      else process.env.JEST_JUNIT_OUTPUT_DIR = before;
    }
  };

  it('adds jest-junit only where JEST_JUNIT_OUTPUT_DIR asks for a report (CI), so npm test alone writes none', () => {
    expect(reporters(undefined)).not.toContain('jest-junit');
    expect(reporters('reports')).toContain('jest-junit');
    expect(reporters('reports').slice(0, 2)).toEqual(reporters(undefined));
  });
});

describe('.github/workflows/deploy.yml', () => {
  const jobs = deploy.jobs;
  const DEPLOYS = ['staging', 'prod', 'dr'];
  const stageStep = (job: string): Step => {
    const steps = usesOf(jobs[job].steps, DEPLOY_STAGE);
    expect(steps).toHaveLength(1);
    return steps[0];
  };
  const deployRun = runs(deployStage.runs.steps);

  it('runs for each push to main and by hand, one deploy at a time, never cancelled halfway', () => {
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(deploy.concurrency).toEqual({ group: 'deploy-main', 'cancel-in-progress': false });
  });

  it('goes package → staging → approve → prod → dr, approve in the environment production (its reviewers are the approval)', () => {
    expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.needs]))).toEqual({
      package: undefined,
      staging: 'package',
      approve: 'staging',
      prod: 'approve',
      dr: 'prod',
    });
    expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.environment]))).toEqual({
      package: undefined,
      staging: 'staging',
      approve: 'production',
      prod: 'production',
      dr: 'production',
    });
  });

  it('asks for an OIDC token only in the jobs that deploy, and passes them their environment’s role', () => {
    expect(deploy.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(jobs)) {
      const deploys = usesOf(job.steps, DEPLOY_STAGE).length > 0;
      expect(`${id} ${deploys}`).toBe(`${id} ${DEPLOYS.includes(id)}`);
      expect([id, job.permissions]).toEqual([id, deploys ? { contents: 'read', 'id-token': 'write' } : undefined]);
    }
    for (const id of DEPLOYS) expect(stageStep(id).with?.['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(text('.github/workflows/ci.yml')).not.toContain('id-token');
  });

  it('packages every stage once, in the package job, and deploys that package: the same artifact everywhere', () => {
    const pkg = jobs.package.steps;
    expect(runs(pkg)).toContain('bash scripts/ci/package-release.sh .artifacts');
    // stamped with the commit: the release state machine waits for a host to report it
    expect(runs(pkg)).toContain('npm run build:host -- --version "$GITHUB_SHA"');
    expect(usesOf(pkg, 'actions/upload-artifact')[0].with).toMatchObject({
      name: 'release-${{ github.sha }}',
      'if-no-files-found': 'error',
    });
    for (const id of DEPLOYS) {
      expect(usesOf(jobs[id].steps, 'actions/download-artifact')[0].with).toEqual({ name: 'release-${{ github.sha }}', path: '.' });
      expect(runs(jobs[id].steps)).not.toMatch(/serverless package|build:host/);
    }
    expect(deployRun).toContain('npx serverless deploy --stage "$STAGE" --package ".artifacts/$STAGE"');
    expect(deployRun).not.toMatch(/serverless package/);
  });

  it('deploys each stage in its job and in its region as serverless.yml has it', () => {
    const params = readProjectYaml<{ params: Record<string, { region?: string }> }>('serverless.yml').params;
    for (const id of DEPLOYS) expect(stageStep(id).with).toMatchObject({ stage: id, region: params[id].region });
    expect(params.dr.region).toBe('us-west-2');
    // every step of the action that acts on a stage takes it from the input
    for (const s of deployStage.runs.steps.filter((x) => x.env?.STAGE !== undefined)) expect(s.env?.STAGE).toBe('${{ inputs.stage }}');
  });

  it('deploys the network stack as resources/network-stack.yml’s header says, CloudFormation acting as its own role', () => {
    const header = text('resources/network-stack.yml');
    expect(header).toContain('--stack-name exchange-<stage>-network');
    expect(deployRun).toContain(
      'aws cloudformation deploy --template-file resources/network-stack.yml --stack-name "exchange-$STAGE-network"',
    );
    expect(deployRun).toContain('--parameter-overrides "Stage=$STAGE" --role-arn "$CFN_ROLE_ARN"');
  });

  it('puts the host bundle under host/<commit>/ and releases it with exchange-<stage>-host-release, waiting for the end', () => {
    expect(deployRun).toContain('sha256sum -c matching-host.tar.gz.sha256');
    expect(deployRun).toContain('aws s3 cp ".build/host/$f" "s3://$BUCKET/host/$VERSION/$f"');
    const release = deployStage.runs.steps.find((s) => s.run?.includes('start-execution'));
    expect(release?.run).toContain('--state-machine-arn "arn:aws:states:$REGION:$ACCOUNT:stateMachine:exchange-$STAGE-host-release"');
    expect(release?.run).toContain('--input "{\\"bundleVersion\\":\\"$VERSION\\"}"');
    expect(release?.env).toMatchObject({ STAGE: '${{ inputs.stage }}', REGION: '${{ inputs.region }}', VERSION: '${{ github.sha }}' });
    expect(release?.run).toContain('bash scripts/ci/wait-for-execution.sh "$execution"');
    expect(existsSync(join(ROOT, 'scripts', 'ci', 'wait-for-execution.sh'))).toBe(true);
  });

  it('smoke-tests staging with the trader journey (its JUnit report kept), prod and dr with a read that changes nothing', () => {
    const journey = jobs.staging.steps.find((s) => s.run?.includes('newman run'));
    expect(journey?.run).toContain('npx newman run test/postman/trader-journey.postman_collection.json --env-var "baseUrl=$BASE_URL"');
    expect(journey?.run).toContain('--reporters cli,junit --reporter-junit-export reports/newman-staging.xml');
    expect(journey?.env).toEqual({ BASE_URL: '${{ steps.deploy.outputs.service-endpoint }}' });
    expect(existsSync(join(ROOT, 'test', 'postman', 'trader-journey.postman_collection.json'))).toBe(true);
    const report = usesOf(jobs.staging.steps, 'actions/upload-artifact')[0];
    expect(report).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
    expect(deployStage.outputs['service-endpoint'].value).toBe('${{ steps.stack.outputs.service-endpoint }}');
    expect(deployRun).toContain('url=$(output ServiceEndpoint)');
    for (const id of ['prod', 'dr']) {
      const smoke = runs(jobs[id].steps.filter((s) => s.name?.startsWith('Smoke test')));
      expect(smoke).toContain('curl -fsS');
      expect(smoke).toContain('"$BASE_URL/v1/markets"');
      expect(smoke).not.toMatch(/newman|-X\b|--request|-d\b|--data/);
    }
  });

  it('deposits simulated funds on staging only (serverless.yml params)', () => {
    const params = readProjectYaml<{ params: Record<string, { simulatedFunding?: string }> }>('serverless.yml').params;
    expect(params.staging.simulatedFunding).toBe('true');
    for (const stage of ['default', 'prod', 'dr']) expect(params[stage].simulatedFunding).toBeUndefined();
    expect(text('serverless.yml')).toContain("SIMULATED_FUNDING: ${param:simulatedFunding, 'false'}");
  });
});
