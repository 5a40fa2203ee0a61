/** Runs SUSHI offline: HOME points at the private package cache, FPL_REGISTRY at a closed loopback port. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface SushiResult { code: number; errors: number; warnings: number; output: string }

export function runSushi(root: string, projectDir: string, home: string, extraArgs: string[] = ['--snapshot']): Promise<SushiResult> {
  const bin = path.join(fs.realpathSync(path.join(root, 'node_modules/fsh-sushi')), 'dist/app.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', projectDir, ...extraArgs], {
      env: { ...process.env, HOME: home, FPL_REGISTRY: 'http://127.0.0.1:9', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /(\d+) Errors?\s+(\d+) Warnings?/.exec(output);
      resolve({ code: code ?? 1, errors: m ? Number(m[1]) : -1, warnings: m ? Number(m[2]) : -1, output });
    });
  });
}

/** SUSHI problems worth showing: every error, and warnings other than the expected offline ones. */
export function sushiProblems(output: string): string[] {
  return output.split('\n').filter((l) => /^\s*(error|warn)\s/.test(l))
    .filter((l) => !/automatically-provided|Failed to load automatically/.test(l));
}
