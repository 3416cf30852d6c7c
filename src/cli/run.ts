/** The `sentio` process: runs the command line on process.argv and sets the exit code. */
import { main } from './main.ts';

// `sentio features x.mp3 | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv);
