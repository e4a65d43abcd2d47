/**
 * A Vite plugin that adds the demo's signer endpoint (see demo-signer.ts) to
 * both the dev and the preview server.
 */

/** Returns a Vite plugin that runs `middleware` (a Connect middleware) before Vite's own. */
export function signerEndpoint(middleware) {
  return {
    name: 'nodb-demo-signer',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
