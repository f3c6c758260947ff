// Container image references as the Docker distribution grammar reads them,
// normalised the way the kubelet and the API server's defaulting see them:
// "nginx" is docker.io/library/nginx with the implied tag "latest".

export interface ImageReference {
  /** The repository with its registry, e.g. "docker.io/library/nginx". */
  repository: string;
  /** The tag; "latest" when the reference names neither tag nor digest. */
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPOSITORY_PREFIX = "library/";
const MAX_NAME_LENGTH = 255;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const BARE_IDENTIFIER = /^[a-f0-9]{64}$/;

/**
 * Splits off the registry (the first path part, when it looks like a host)
 * and names Docker Hub's official images in full: "nginx" is library/nginx.
 */
function splitDomain(reference: string): [domain: string, remainder: string] {
  const slash = reference.indexOf("/");
  const first = reference.slice(0, slash);
  const hasDomain = slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  const domain = !hasDomain ? DEFAULT_DOMAIN : first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
  const remainder = hasDomain ? reference.slice(slash + 1) : reference;
  const official = domain === DEFAULT_DOMAIN && !remainder.includes("/");
  return [domain, official ? OFFICIAL_REPOSITORY_PREFIX + remainder : remainder];
}

/** Parses an image reference; undefined when it is not a valid one. */
export function parseImageReference(reference: string): ImageReference | undefined {
  if (BARE_IDENTIFIER.test(reference)) return undefined;
  const [domain, remainder] = splitDomain(reference);
  const colon = remainder.indexOf(":");
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) return undefined;
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) return undefined;
  const [, repository = "", tag, digest] = match;
  if (repository.length > MAX_NAME_LENGTH) return undefined;
  if (tag === undefined && digest === undefined) return { repository, tag: "latest" };
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/**
 * The pull policy a container gets when it names none: Always for the
 * "latest" tag (given or implied), IfNotPresent otherwise, including for
 * references that do not parse (validation reports those).
 */
export function defaultImagePullPolicy(image: string): "Always" | "IfNotPresent" {
  return parseImageReference(image)?.tag === "latest" ? "Always" : "IfNotPresent";
}
