// The statuses Debian's mender-client 3.4 sends a server for an update that installs, reboots
// and commits (test/fixtures/specs/mender/real-client-notes.md): three downloading, installing
// before and after the reboot, then success.
export const REAL_CLIENT_UPDATE_STATUSES: readonly string[] = [
  'downloading',
  'downloading',
  'downloading',
  'installing',
  'rebooting',
  'installing',
  'success',
];
