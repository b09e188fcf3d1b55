/** `export image`, `export kubernetes`, `export systemd`: a release, carried to engines beyond twelve (docs/export.md). */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from '../commander.js';
import type { ExportFilesView, ImageExportSummary } from '../../api/types.js';
import { parseReleaseVersion } from '../arguments.js';
import { CliError } from '../cli-error.js';
import { appPath, type CommonOptions, createClient, print, printJson, requireApp, warn, withAppOptions } from '../context.js';
import { assertFreeDestination, extractArchive, listWritten, writeArchiveFile, writeExportedFiles } from '../export-files.js';
import { imageFormat, pushArgv } from '../image-destination.js';

interface ImageOptions extends CommonOptions { release?: string; output?: string; format?: string; push?: string; base?: string }
interface FilesOptions extends CommonOptions { release?: string; output?: string; image?: string; configFrom?: string; tlsSecret?: string }


function releaseQuery(release: string | undefined): string {
  return release === undefined ? '' : `release=${parseReleaseVersion(release)}&`;
}

function push(path: string, format: ReturnType<typeof imageFormat>, ref: string, json: boolean | undefined): void {
  const argv = pushArgv(path, format, ref);
  // With --json, stdout is the JSON answer alone: skopeo's progress goes to stderr.
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
  if (json && result.stdout) process.stderr.write(result.stdout);
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new CliError('SKOPEO_MISSING', `the image was written to ${path}, but skopeo is not installed to push it`,
      `Install it (apt-get install skopeo), then run: ${argv.join(' ')}`);
  }
  if (result.status !== 0) throw new CliError('PUSH_FAILED', `${argv.join(' ')} exited with ${result.status ?? result.signal}`, 'Its output above says why; the image is still at the path written.');
}

async function exportImageCommand(options: ImageOptions): Promise<void> {
  const app = requireApp(options);
  if (!options.output) throw new CliError('INVALID_ARGUMENT', 'Missing -o PATH', 'Name where to write the image: a directory, X.tar or X.docker.tar.');
  const path = options.output;
  const format = imageFormat(path, options.format);
  await assertFreeDestination(path, format === 'oci' ? 'directory' : 'file');
  const wire = format === 'docker-archive' ? 'docker-archive' : 'oci-archive';
  if (!options.json) process.stdout.write(`Exporting ${app} as an image (${format}) to ${path}... `);
  const base = options.base === undefined ? undefined : await (await import('../base-image.js')).baseArchive(options.base);
  let response;
  try {
    response = await createClient().download('POST', appPath(app, `/exports/image?${releaseQuery(options.release)}format=${wire}`),
      base ? { body: base.stream, headers: { 'content-type': 'application/x-tar' } } : {});
  } finally {
    base?.cleanup();
  }
  const summary = JSON.parse(decodeURIComponent(String(response.headers['x-twelve-export']))) as ImageExportSummary;
  if (format === 'oci') await extractArchive(response, path);
  else await writeArchiveFile(response, path);
  if (!options.json) print(`done, ${summary.ref} ${summary.manifest.digest}`);
  for (const warning of summary.warnings) if (!options.json) warn(warning);
  if (options.push) push(path, format, options.push, options.json);
  if (options.json) printJson({ ...summary, format, path, pushed: options.push ?? null, files: await listWritten(path) });
}

async function exportFiles(target: 'kubernetes' | 'systemd', options: FilesOptions): Promise<void> {
  const app = requireApp(options);
  const query = new URLSearchParams();
  if (options.release !== undefined) query.set('release', String(parseReleaseVersion(options.release)));
  if (options.image !== undefined) query.set('image', options.image);
  if (options.configFrom !== undefined) query.set('configFrom', options.configFrom);
  if (options.tlsSecret !== undefined) query.set('tlsSecret', options.tlsSecret);
  const answer = await createClient().request<ExportFilesView>('GET', appPath(app, `/exports/${target}?${query}`));
  if (options.output === undefined && options.json) {
    printJson(answer);
    return;
  }
  if (options.output === undefined) {
    // Without a directory the manifests go to stdout, one YAML stream: `| kubectl apply -f -` (without the wait for the release Job).
    process.stdout.write(answer.files.filter((file) => file.name.endsWith('.yaml')).map((file) => file.content).join('---\n'));
    for (const warning of answer.warnings) warn(warning);
    return;
  }
  await assertFreeDestination(options.output, 'directory');
  await writeExportedFiles(options.output, answer.files);
  if (answer.tarball !== undefined) {
    // The root filesystem the units run in: the release's image, flattened.
    if (!options.json) process.stdout.write(`Writing ${answer.tarball}... `);
    try {
      const query = `release=${answer.release}&format=rootfs`;
      await writeArchiveFile(await createClient().download('POST', appPath(app, `/exports/image?${query}`)), join(options.output, answer.tarball));
    } catch (error) {
      await rm(options.output, { recursive: true, force: true });
      throw error;
    }
    if (!options.json) print('done');
  }
  if (options.json) {
    printJson({ app: answer.app, release: answer.release, path: options.output, files: await listWritten(options.output), warnings: answer.warnings });
    return;
  }
  print(`Wrote ${target === 'kubernetes' ? 'Kubernetes manifests' : 'systemd units'} of ${answer.app} v${answer.release} to ${options.output}:`);
  for (const file of answer.files) print(`  ${file.name}`);
  if (answer.tarball !== undefined) print(`  ${answer.tarball}`);
  for (const warning of answer.warnings) warn(warning);
}

export function registerExportCommands(program: Command): void {
  const exportCommand = program.command('export').description('carry a release beyond twelve: an OCI image, Kubernetes manifests, systemd units');

  withAppOptions(exportCommand.command('image')
    .description('write the release\'s build as an OCI image: a layout directory, X.tar (oci-archive) or X.docker.tar (docker-archive)'))
    .addOption(new Option('-o, --output <path>', 'where to write it'))
    .addOption(new Option('--release <release>', 'the release to export (v3 or 3; default: the current one)'))
    .addOption(new Option('--format <format>', 'oci, oci-archive or docker-archive (default: from the path\'s name)'))
    .addOption(new Option('--push <ref>', 'then copy it to a registry with skopeo (e.g. registry.example.com/shop:v3)'))
    .addOption(new Option('--base <ref>', 'build on this image: an OCI layout, an oci-archive, or (with skopeo) a docker-archive or registry reference'))
    .action(exportImageCommand);

  withAppOptions(exportCommand.command('kubernetes')
    .description('write the release as Kubernetes manifests (a Deployment per process type, Service, Ingress, config Secret, release Job) and apply.sh'))
    .addOption(new Option('-o, --output <dir>', 'the directory to write (default: the YAML to stdout)'))
    .addOption(new Option('--release <release>', 'the release to export (v3 or 3; default: the current one)'))
    .addOption(new Option('--image <ref>', 'the image the pods run (default: APP:vN, as `export image` tags it)'))
    .addOption(new Option('--config-from <secret>', 'use this Secret of the cluster for config instead of exporting it'))
    .addOption(new Option('--tls-secret <secret>', 'serve the app\'s domains over TLS with this kubernetes.io/tls Secret of the cluster'))
    .action((options: FilesOptions) => exportFiles('kubernetes', options));

  withAppOptions(exportCommand.command('systemd')
    .description('write the release as systemd units (a template per process type, a target, the release phase), its root filesystem and install.sh'))
    .addOption(new Option('-o, --output <dir>', 'the directory to write'))
    .addOption(new Option('--release <release>', 'the release to export (v3 or 3; default: the current one)'))
    .action((options: FilesOptions) => {
      if (options.output === undefined) throw new CliError('INVALID_ARGUMENT', 'Missing -o DIR', 'Name the directory to write the units, the root filesystem and install.sh to.');
      return exportFiles('systemd', options);
    });
}
