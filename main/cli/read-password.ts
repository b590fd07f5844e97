/**
 * A password for the CLI, never from argv (where `ps` and the shell's history would show it): at a
 * terminal it is typed twice without echo; otherwise it is the first line of standard input, so a
 * script can pipe it in (`printf '%s\n' "$pw" | mailfleet user passwd ADDRESS`).
 */
import type { CliWords } from './cli-words.js';

/** Reads the password; throws in words when none was given or the two typed differ. */
export async function readPassword(words: CliWords, address: string): Promise<string> {
  const password = process.stdin.isTTY
    ? await typedTwice(words, address)
    : firstLine(await readAll(process.stdin));
  if (password.length === 0) throw new Error(words.say('password.empty'));
  return password;
}

async function typedTwice(words: CliWords, address: string): Promise<string> {
  const first = await typedHidden(words.say('password.prompt', { address }));
  const second = await typedHidden(words.say('password.again'));
  if (first !== second) throw new Error(words.say('password.differ'));
  return first;
}

/** One line typed at the terminal, not echoed; Ctrl-C ends the command. */
function typedHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('interrupted'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}
