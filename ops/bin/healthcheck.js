#!/usr/bin/env node
'use strict';
// The container image's HEALTHCHECK: exits 0 when the process in this container answers its readiness probe
// (`/readyz`: a node when its database answers, the hub when its directory lists a community) on PORT.
const port = process.env.PORT || '4000';
fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
