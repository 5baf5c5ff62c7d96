import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, synthesizeAll } from './charts';

// dist/ is replaced only by a complete synth. The cdk8s CLI empties its own output folder before
// running the app, so cdk8s.yaml points it at a scratch folder and the app mirrors dist/ there.
const dist = path.join(__dirname, 'dist');
synthesizeAll(ENVIRONMENTS, dist);

const cliOutdir = process.env.CDK8S_OUTDIR;
if (cliOutdir && path.resolve(cliOutdir) !== dist) {
  fs.rmSync(cliOutdir, { recursive: true, force: true });
  fs.cpSync(dist, cliOutdir, { recursive: true });
}
