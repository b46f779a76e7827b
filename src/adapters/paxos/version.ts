/** The package name, as Paxos sees it in the `User-Agent` of every request. */
const LIBRARY_NAME = 'paxos-identity';

/** Kept equal to `version` in package.json (a test checks it), so Paxos support can tell which release called. */
export const LIBRARY_VERSION = '0.1.0';

/** `paxos-identity/0.1.0 (node 20.20.2)`: names the library and version, never the host or the credentials. */
export const USER_AGENT = `${LIBRARY_NAME}/${LIBRARY_VERSION} (node ${process.versions.node})`;
