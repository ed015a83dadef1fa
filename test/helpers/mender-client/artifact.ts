// Mender Artifacts made by Debian's `mender-artifact` (a tool nobody here wrote), for the real
// `mender` client to install: module-image artifacts, so no A/B rootfs partitions are needed.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface MadeArtifact {
  /** The artifact name inside the file (what `next` must announce). */
  name: string;
  file: string;
  bytes: Buffer;
}

/**
 * A `single-file` artifact (the update module Debian's mender-client ships): installs `content`
 * as `destDir/fileName` on the device.
 */
export async function singleFileArtifact(o: {
  dir: string;
  name: string;
  deviceType: string;
  destDir: string;
  fileName: string;
  content: string;
}): Promise<MadeArtifact> {
  const src = path.join(o.dir, `${o.name}-src`);
  await mkdir(src, { recursive: true });
  // the module reads these three files from the payload (see /usr/share/mender/modules/v3/single-file)
  await writeFile(path.join(src, 'dest_dir'), `${o.destDir}\n`);
  await writeFile(path.join(src, 'filename'), `${o.fileName}\n`);
  await writeFile(path.join(src, 'permissions'), '644\n');
  await writeFile(path.join(src, o.fileName), o.content);
  const files = ['dest_dir', 'filename', 'permissions', o.fileName].flatMap((f) => ['-f', path.join(src, f)]);
  return write(o.dir, o.name, o.deviceType, 'single-file', files);
}

/** What the test update module (see `TEST_MODULE`) does with an artifact. */
export type TestModuleBehaviour = 'ok' | 'reboot' | 'slow-reboot' | 'fail-install';

/** An artifact for the test update module, whose one file says how the module behaves. */
export async function testModuleArtifact(o: {
  dir: string;
  name: string;
  deviceType: string;
  behaviour: TestModuleBehaviour;
}): Promise<MadeArtifact> {
  // the payload keeps the file's base name; the module reads files/behaviour
  const named = path.join(o.dir, `${o.name}-payload`);
  await mkdir(named, { recursive: true });
  await writeFile(path.join(named, 'behaviour'), `${o.behaviour}\n`);
  return write(o.dir, o.name, o.deviceType, TEST_MODULE_NAME, ['-f', path.join(named, 'behaviour')]);
}

async function write(
  dir: string,
  name: string,
  deviceType: string,
  moduleType: string,
  files: string[],
): Promise<MadeArtifact> {
  const file = path.join(dir, `${name}.mender`);
  await run('mender-artifact', [
    'write',
    'module-image',
    '-T',
    moduleType,
    '-t',
    deviceType,
    '-n',
    name,
    '-o',
    file,
    ...files,
  ]);
  return { name, file, bytes: await readFile(file) };
}

export const TEST_MODULE_NAME = 'fleetstorm-test';

/**
 * An update module (Update Module protocol v3) for the cases the shipped ones cannot show:
 * - `ok`: installs nothing, needs no reboot;
 * - `reboot`: asks for a reboot and makes ArtifactReboot a no-op (the client walks the reboot
 *   states, nothing reboots);
 * - `slow-reboot`: as `reboot`, with an ArtifactInstall of 3 s;
 * - `fail-install`: fails ArtifactInstall.
 */
export const TEST_MODULE = `#!/bin/sh
set -e
STATE="$1"
FILES="$2"
B=$(cat "$FILES/files/behaviour" 2>/dev/null || echo ok)
case "$STATE" in
  NeedsArtifactReboot) case "$B" in *reboot) echo Yes ;; *) echo No ;; esac ;;
  SupportsRollback) echo Yes ;;
  ArtifactInstall)
    if [ "$B" = fail-install ]; then echo "install refused by the test module" >&2; exit 1; fi
    if [ "$B" = slow-reboot ]; then sleep 3; fi ;;
esac
exit 0
`;
