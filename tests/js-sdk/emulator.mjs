// Starts the built portal emulator as a child process and stops it again. The emulator is a
// .NET program, so the test depends on `dotnet build` having run (.ci/run builds Release first).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function findEmulatorDll() {
  if (process.env.EMULATOR_DLL) {
    return process.env.EMULATOR_DLL;
  }

  const candidates = ['Release', 'Debug'].map((configuration) =>
    resolve(repoRoot, 'src', 'Bitrix.Emulator', 'bin', configuration, 'net10.0', 'Bitrix.Emulator.dll'));
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`Bitrix.Emulator.dll not found (tried ${candidates.join(', ')}): run 'dotnet build -c Release' first or set EMULATOR_DLL.`);
  }

  return found;
}

/**
 * Starts the emulator on a free loopback port and resolves once it has printed its webhook URL
 * (its first stdout line).
 * @param {string[]} args extra command-line options
 * @returns {Promise<{ webhookUrl: URL, origin: string, stop: () => Promise<void> }>}
 */
export async function startEmulator(args = []) {
  const child = spawn('dotnet', [findEmulatorDll(), '--urls', 'http://127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // A crashed test run must not leave a server behind holding a port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  const firstLine = await new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`emulator printed no webhook URL within 60 s; stderr: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolveLine(line.trim());
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (code ${code}, signal ${signal}) before printing its URL; stderr: ${stderr}`));
    });
  });

  const webhookUrl = new URL(firstLine);
  return {
    webhookUrl,
    origin: webhookUrl.origin,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }

      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
