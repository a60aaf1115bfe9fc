/**
 * `deepframe pack-worker`: packs deepframe's worker (the Node.js runtime, deepframe's compiled code and the
 * packages the worker imports, with this platform's native binaries) into one `.tar.gz` for Spark executors.
 * A Spark session packs it by itself on first use; this command packs ahead of time, for another platform, or
 * for executors that get the worker installed (`deepframe.spark.workerDir`).
 *
 * @module
 */
import { Command } from 'commander';
import { packWorker } from '../engine/spark/executors/packWorker.js';

interface PackWorkerCliOptions {
  node?: string;
  platform?: string;
  arch?: string;
  out?: string;
  package: string[];
  force?: boolean;
}

/**
 * The `pack-worker` command.
 *
 * @example
 * ```ts
 * program.addCommand(packWorkerCommand());
 * // $ deepframe pack-worker
 * // /home/ann/.cache/deepframe/worker/deepframe-worker-1f2e3d4c5b6a7980.tar.gz
 * // $ deepframe pack-worker --node ./node-v20-linux-arm64/bin/node --platform linux --arch arm64
 * ```
 */
export function packWorkerCommand(): Command {
  return new Command('pack-worker')
    .description(
      "pack deepframe's worker for Spark executors: Node.js, deepframe's compiled code and the packages it " +
        'imports (this platform’s native binaries only) in one .tar.gz, cached under $DEEPFRAME_HOME/worker; ' +
        'prints its path',
    )
    .option(
      '--node <path>',
      'the Node.js binary to ship (default: the one running this command). For executors of another platform, ' +
        "that platform's node binary, with --platform and --arch, after installing that platform's native " +
        'packages (npm install --os=<os> --cpu=<cpu>)',
    )
    .option('--platform <os>', "the executors' platform: linux, darwin, … (default: this machine's)")
    .option('--arch <cpu>', "the executors' CPU architecture: x64, arm64, … (default: this machine's)")
    .option('--out <dir>', 'where to write the archive (default: $DEEPFRAME_HOME/worker)')
    .option(
      '--package <name>',
      'another package to ship with its dependencies, for module stages that import it (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--force', 'pack again even if an archive of the same files is cached')
    .action(async (opts: PackWorkerCliOptions) => {
      const archive = await packWorker({
        ...(opts.node === undefined ? {} : { node: opts.node }),
        ...(opts.platform === undefined ? {} : { platform: opts.platform }),
        ...(opts.arch === undefined ? {} : { arch: opts.arch }),
        ...(opts.out === undefined ? {} : { outDir: opts.out }),
        packages: opts.package,
        force: opts.force === true,
        log: (message) => process.stderr.write(`${message}\n`),
      });
      const packages = Object.keys(archive.packages).length;
      process.stderr.write(
        `${archive.fromCache ? 'Cached' : 'Packed'}: ${archive.platform}-${archive.arch}, ` +
          `${(archive.bytes / 1024 / 1024).toFixed(1)} MiB, ${packages} packages, sha256 ${archive.sha256}.\n`,
      );
      process.stdout.write(`${archive.path}\n`);
    });
}
