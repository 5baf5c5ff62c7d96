import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ENVIRONMENTS, synthesizeAll } from './charts';

// dist/ is replaced only by a complete synth. The cdk8s CLI empties its own output folder before
// running the app, so cdk8s.yaml points it at a scratch folder and the app mirrors dist/ there.
const dist = path.join(__dirname, 'dist');
try {
  synthesizeAll(ENVIRONMENTS, dist);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A settings mistake: the message names the prop, the value and the fix; no stack trace needed.
  console.error(`synth failed, dist/ left as it was:\n  ${error.message}`);
  process.exit(1);
}

const cliOutdir = process.env.CDK8S_OUTDIR;
if (cliOutdir && path.resolve(cliOutdir) !== dist) {
  fs.rmSync(cliOutdir, { recursive: true, force: true });
  fs.cpSync(dist, cliOutdir, { recursive: true });
}
