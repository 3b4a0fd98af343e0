import { readFileSync } from 'node:fs';
import { parseEstate } from '@virtplan/core';
import { describe, expect, it } from 'vitest';
import { type Io, UsageError } from '../io.ts';
import { main } from '../main.ts';
import { memoryIo } from '../testing.ts';
import { importCommand } from './import.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../core/src/estate/fixtures/rvtools/${name}`, import.meta.url), 'utf8');

const fakeIo = (files: Record<string, string>) => memoryIo(files);

const hospital = () =>
  fakeIo({ 'vInfo.csv': fixture('hospital-vinfo.csv'), 'vHost.csv': fixture('hospital-vhost.csv') });

/** Runs through the command directly, then maps a UsageError to exit 2 as main does. */
async function run(argv: string[], io: Io): Promise<number> {
  try {
    return await importCommand.run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`virtplan import: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

describe('virtplan import rvtools', () => {
  it('writes the estate as YAML to stdout and a summary to stderr', async () => {
    const io = hospital();
    expect(await run(['rvtools', '--vinfo', 'vInfo.csv', '--vhost', 'vHost.csv'], io)).toBe(0);
    const yaml = io.out.join('');
    expect(yaml).toMatch(/^# Estate imported from an RVTools export/);
    const parsed = parseEstate(yaml, 'yaml');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.estate.workloads).toHaveLength(19);
      expect(parsed.value.estate.provenance.source).toBe('rvtools');
      expect(parsed.value.warnings).toEqual([]);
    }
    const summary = io.err.join('');
    expect(summary).toContain(
      'import rvtools: imported 19 VMs as workloads (of 23 vInfo rows), 4 hosts, 2 sites',
    );
    expect(summary).toContain(
      'import rvtools: left out 4: powered off 1, suspended 1, templates 1, SRM placeholders 1, rows without a name 0',
    );
    expect(summary).toContain('import rvtools: data confidence 25% (19 of 76 sizing figures measured)');
    expect(summary).toContain(
      "vInfo.csv row 21, column 'Host': host 'esx09.stexample.local' is not in vHost.csv",
    );
  });

  it('writes to -o FILE and names it; --name and --cpu-from-host-usage reach the document', async () => {
    const io = hospital();
    const argv = ['rvtools', '--vinfo', 'vInfo.csv', '--vhost', 'vHost.csv', '-o', 'estate.yaml'];
    expect(await run([...argv, '--name', 'St. Example', '--cpu-from-host-usage'], io)).toBe(0);
    expect(io.out).toEqual([]);
    const yaml = io.written.get('estate.yaml') ?? '';
    expect(yaml).toContain('name: St. Example\n');
    expect(yaml).toContain('cpuUtilization: 0.31');
    expect(io.err.join('')).toContain('cpuUtilization ESTIMATED from host usage for 18');
    expect(io.err.join('')).toMatch(/wrote estate\.yaml\n$/);
  });

  it('reads an old semicolon/MB export without vHost', async () => {
    const io = fakeIo({ 'old.csv': fixture('old-mb-vinfo.csv') });
    expect(await run(['rvtools', '--vinfo', 'old.csv'], io)).toBe(0);
    expect(io.err.join('')).toContain(
      '6 VMs as workloads (of 8 vInfo rows), 2 hosts (inferred: no vHost), 1 site',
    );
    expect(parseEstate(io.out.join(''), 'yaml').ok).toBe(true);
  });

  it('exits 2 with one line naming the file and the missing column', async () => {
    const io = fakeIo({ 'bad.csv': 'Name2,Memory\na,1\n' });
    expect(await run(['rvtools', '--vinfo', 'bad.csv'], io)).toBe(2);
    expect(io.err).toEqual([
      "virtplan import: bad.csv row 1: no column 'VM' or 'VM Name' or 'Name' (found: Name2, Memory)\n",
    ]);
    expect(io.out).toEqual([]);
  });

  it('lists every error when there are several', async () => {
    const io = fakeIo({ 'v.csv': 'VM,Memory,Host\na,x,h\nb,-1,h\n' });
    expect(await run(['rvtools', '--vinfo', 'v.csv'], io)).toBe(2);
    expect(io.err.join('')).toBe(
      "virtplan import: cannot import (2 errors):\n  v.csv row 2, column 'Memory': 'x' is not a number >= 0\n" +
        "  v.csv row 3, column 'Memory': '-1' is not a number >= 0\n",
    );
  });

  it.each([
    [[], 'missing the export format'],
    [['vmware'], "unknown export format 'vmware' (known: rvtools)"],
    [['rvtools'], 'missing --vinfo FILE'],
    [['rvtools', '--vinfo', 'nope.csv'], 'nope.csv: no such file'],
    [['rvtools', '--vinfo', 'vInfo.csv', '--bogus'], "Unknown option '--bogus'"],
    [['rvtools', '--vinfo', 'vInfo.csv', 'extra'], "unexpected argument 'extra'"],
  ])('usage error for %j', async (argv, message) => {
    const io = hospital();
    expect(await run(argv, io)).toBe(2);
    expect(io.err.join('')).toContain(message);
    expect(io.err.join('')).not.toMatch(/\n\s+at /);
  });

  it('is listed by main, with --help', async () => {
    const io = hospital();
    expect(await main(['import', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: virtplan import rvtools --vinfo VINFO.csv');
    const usage = hospital();
    expect(await main(['import', 'rvtools', '--vinfo', 'missing.csv'], usage)).toBe(2);
    expect(usage.err).toEqual(['virtplan import: missing.csv: no such file\n']);
  });
});
