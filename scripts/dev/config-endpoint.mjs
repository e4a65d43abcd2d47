/**
 * A Vite plugin that serves the demo's connection settings at GET /config.json.
 * The page reads them at run time, so the endpoint and credentials never end
 * up in built assets.
 */

/**
 * Returns a Vite plugin that serves `config` ({ endpoint, bucket, credentials })
 * as JSON at GET /config.json, in both the dev and the preview server.
 */
export function configEndpoint(config) {
  const body = JSON.stringify(config, null, 2);

  const middleware = (request, response, next) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/config.json') return next();

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.statusCode = 405;
      response.setHeader('Allow', 'GET, HEAD');
      response.end();
      return;
    }
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  return {
    name: 'nodb-demo-config',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
