// Placeholder for `tempo-stack deploy` until the deploy verbs move here from deploy.sh (the
// "deploy" work of issue 14 replaces this file with the real implementation).

/** Runs `tempo-stack deploy <argv>` and returns the exit code. Not implemented yet: points at ./deploy.sh. */
export async function deployMain(argv: readonly string[]): Promise<number> {
  const command = ['tempo-stack deploy', ...argv].join(' ');
  process.stderr.write(`${command}: not available in this version; run ./deploy.sh in a clone of the repository\n`);
  return 2;
}
