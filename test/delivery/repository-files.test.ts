/**
 * The repository's own files agree with what they describe: the Node version (.nvmrc, engines, CI),
 * the editor settings and Prettier's, the licence and package.json, the owners and the folders they
 * own, Dependabot and the manifests it watches, the contributing guide and the npm scripts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const text = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(text('package.json')) as { license: string; engines: { node: string }; scripts: Record<string, string> };

describe('the repository’s files', () => {
  it('name one Node version: .nvmrc, the lowest package.json’s engines allow, and the one CI sets up from .nvmrc', () => {
    const nvmrc = text('.nvmrc').trim();
    expect(nvmrc).toMatch(/^\d+$/);
    expect(pkg.engines.node).toBe(`>=${nvmrc}`);
    for (const workflow of ['ci.yml', 'deploy.yml']) expect(text(`.github/workflows/${workflow}`)).toContain('node-version-file: .nvmrc');
    expect(text('.github/workflows/ci.yml')).not.toMatch(/node-version:/);
  });

  it('give editors Prettier’s settings (.editorconfig)', () => {
    const prettier = JSON.parse(text('.prettierrc.json')) as {
      printWidth: number;
      tabWidth?: number;
      endOfLine?: string;
      useTabs?: boolean;
    };
    const section = /\[\*\]\n([^[]*)/.exec(text('.editorconfig'))?.[1] ?? '';
    const settings: Record<string, string> = Object.fromEntries(
      section
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l): [string, string] => {
          const [key, value] = l.split('=').map((x) => x.trim());
          return [key, value];
        }),
    );
    expect(settings).toMatchObject({
      max_line_length: String(prettier.printWidth),
      indent_size: String(prettier.tabWidth ?? 2),
      indent_style: prettier.useTabs ? 'tab' : 'space',
      end_of_line: prettier.endOfLine ?? 'lf',
      charset: 'utf-8',
      insert_final_newline: 'true',
    });
    expect(text('.editorconfig')).toMatch(/^root = true$/m);
  });

  it('license the code under MIT, as package.json says, to the open-exchange contributors', () => {
    expect(pkg.license).toBe('MIT');
    const license = text('LICENSE');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toMatch(/^Copyright \(c\) \d{4} the open-exchange contributors$/m);
  });

  it('give every top-level area an owning team, and name only paths that exist', () => {
    const rules = text('.github/CODEOWNERS')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    for (const [path, ...owners] of rules) {
      expect(owners.length).toBeGreaterThan(0);
      for (const owner of owners) expect(owner).toMatch(/^@open-exchange\/[a-z-]+$/);
      if (path !== '*') expect(existsSync(join(ROOT, path))).toBe(true);
    }
    const owned = rules.map(([path]) => path);
    expect(owned[0]).toBe('*');
    for (const area of ['/matching-host/', '/functions/', '/resources/', '/statemachines/', '/.github/']) expect(owned).toContain(area);
  });

  it('have Dependabot update npm and every place actions are used, weekly, in groups', () => {
    const config = parse(text('.github/dependabot.yml')) as {
      updates: {
        'package-ecosystem': string;
        directories?: string[];
        directory?: string;
        schedule: { interval: string };
        groups: object;
      }[];
    };
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual(['npm', 'github-actions']);
    for (const u of config.updates) {
      expect(u.schedule.interval).toBe('weekly');
      expect(Object.keys(u.groups).length).toBeGreaterThan(0);
    }
    const actionDirs = readdirSync(join(ROOT, '.github', 'actions')).map((d) => `/.github/actions/${d}`);
    expect(config.updates[1].directories).toEqual(['/', ...actionDirs]);
  });

  it('keep a changelog with an Unreleased section', () => {
    const changelog = text('CHANGELOG.md');
    expect(changelog).toContain('[Keep a Changelog]');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toContain('`git log`');
  });

  it('document every benchmark and every npm script CONTRIBUTING.md names, as package.json has them', () => {
    const contributing = text('CONTRIBUTING.md');
    for (const script of Object.keys(pkg.scripts).filter((s) => s.startsWith('bench:')))
      expect(contributing).toContain(`npm run ${script}`);
    for (const [, script] of contributing.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts).toHaveProperty(script);
    for (const file of [...contributing.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((f) => !f.startsWith('http')))
      expect(existsSync(join(ROOT, file))).toBe(true);
  });

  it('link the README’s contributing and delivery section to files that exist', () => {
    const section = text('README.md').split('## Contributing and delivery')[1] ?? '';
    const links = [...section.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]);
    expect(links).toEqual(
      expect.arrayContaining([
        'CONTRIBUTING.md',
        'SECURITY.md',
        'CHANGELOG.md',
        '.github/workflows/ci.yml',
        '.github/workflows/deploy.yml',
        'resources/github-deploy-role.yml',
      ]),
    );
    for (const link of links) expect(existsSync(join(ROOT, link))).toBe(true);
  });
});
