import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@books/stack';
import { parseDockerfile, type Stage } from './dockerfile';

export const REPO = WORKSPACE_ROOT;

/** One image of docker-compose.yml and the app it packages. */
export interface ImageSpec {
  service: 'gateway' | 'books-service' | 'web' | 'identity';
  dockerfile: string;
  /** The port the runtime stage EXPOSEs. */
  port: number;
}

export const IMAGES: ImageSpec[] = [
  { service: 'gateway', dockerfile: 'deploy/docker/gateway.Dockerfile', port: 3000 },
  { service: 'books-service', dockerfile: 'deploy/docker/books-service.Dockerfile', port: 3100 },
  { service: 'web', dockerfile: 'deploy/docker/web.Dockerfile', port: 8080 },
  { service: 'identity', dockerfile: 'deploy/docker/identity.Dockerfile', port: 3100 },
];

export function stagesOf(image: ImageSpec): Stage[] {
  return parseDockerfile(readFileSync(join(REPO, image.dockerfile), 'utf8'));
}

export function imageFor(service: string): ImageSpec {
  const image = IMAGES.find((candidate) => candidate.service === service);
  if (!image) throw new Error(`No image for ${service}`);
  return image;
}

/** An image reference pinned to a release: `name:1.2.3[-variant][@sha256:...]`, never `latest`. */
export const PINNED_IMAGE = /^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$/;
