/**
 * Child process for the atomic-write kill test: starts replacing argv[2] with argv[3] and, with the new
 * content complete in its temporary file but not yet renamed, says so and waits to be killed.
 */
import { writeFileAtomic } from '../../src/util/atomic-write.js';

const [path, content] = process.argv.slice(2);
await writeFileAtomic(path!, content!, {
  beforeRename: (temp) =>
    new Promise<void>(() => {
      process.stdout.write(`ready ${temp}\n`);
      setInterval(() => undefined, 1000); // keep the process alive until SIGKILL
    }),
});
