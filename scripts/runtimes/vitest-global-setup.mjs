/**
 * Vitest global setup of the browser and workers suites: starts the servers
 * in Node and provides their addresses to the tests as `nodbTargets`.
 */
import { startRuntimeServers } from './servers.mjs';

export default async function setup({ provide }) {
  const servers = await startRuntimeServers();
  provide('nodbTargets', JSON.stringify(servers.targets));
  return () => servers.stop();
}
