/** An input that cannot be turned into audio. The message is one line: "<source>: <reason>". */
export class AudioInputError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: ${reason}`);
    this.name = 'AudioInputError';
  }
}
