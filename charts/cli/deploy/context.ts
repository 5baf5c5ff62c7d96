import type { EnvironmentManifest } from '../../manifest';
import { CommandName, DeployOptions } from './args';
import { DeployIO } from './io';
import { Kubectl } from './kubectl';

/** What every step of one run shares. */
export interface DeployContext {
  readonly io: DeployIO;
  readonly options: DeployOptions;
  readonly command: CommandName;
  /** How the user re-synthesizes: `npm run synth` in this repository, `npx tempo-stack synth` elsewhere. */
  readonly synth: string;
  /** Absolute path of dist/. */
  readonly dist: string;
  /** `dist/<env>/environment`, read and checked. */
  readonly manifest: EnvironmentManifest;
  readonly kubectl: Kubectl;
  /** The kubectl context's name, for messages. */
  contextName: string;
  /** Whether the namespace exists in the cluster. */
  namespaceExists: boolean;
}

/** Prints a line on stdout. */
export function say(c: DeployContext, text = ''): void {
  c.io.out(`${text}\n`);
}

/** Prints `warning: <text>` on stderr. */
export function warn(c: DeployContext, text: string): void {
  c.io.err(`warning: ${text}\n`);
}
