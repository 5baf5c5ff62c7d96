// The spec files of this folder, in one jest file (see runSpecs).
import { runSpecs } from '../support/specs';

runSpecs(__dirname);
