/**
 * Random and malformed JSON-RPC lines for the control plane's fuzz test, from a seeded PRNG (the
 * lab traffic generator's mulberry32) so a failure replays with the same seed. Each line comes with what JSON-RPC 2.0 (and docs/agent.md)
 * says the agent must answer: an error with a given code (and id, when the id could be read), a
 * result, or nothing (a notification).
 *
 * The generator never produces a valid call of a method that changes anything: the caller is a
 * system admin, so the fuzz reaches params validation and handlers, and must not restart services.
 */
import { rpcErrorCodes } from '../../agent/common/contract/json-rpc.js';
import { SeededRandom } from '../../main/lab/traffic/seeded-random.js';

/** What the agent must send back for one line. */
export type FuzzExpectation =
  | { answer: 'error'; code: number; id: string | number | null }
  | { answer: 'result'; id: number }
  | { answer: 'none' };

/** One line to send (without its newline) and the expected answer. */
export interface FuzzLine {
  kind: string;
  bytes: Buffer;
  expect: FuzzExpectation;
}

// Methods a system admin may call that change nothing and answer on any node.
const readOnly = ['node.info', 'service.list', 'node.metrics', 'audit.tail'] as const;
// Methods whose params are objects with required fields; wrong params must be invalidParams.
const strictParams = [
  'service.restart',
  'mailbox.stats',
  'session.kick',
  'queue.hold',
  'queue.show',
  'queue.delete',
  'proxy.kick',
  'route.invalidate',
  'metrics.unsubscribe',
] as const;

/** Makes fuzz lines; `next()` gives the next one. */
export class RpcFuzzLines {
  private readonly seeded: SeededRandom;
  private nextId = 1;

  constructor(seed: number) {
    this.seeded = new SeededRandom(seed);
  }

  private random(): number {
    return this.seeded.next();
  }

  next(): FuzzLine {
    const cases: Array<() => FuzzLine> = [
      () => this.deepNesting(),
      () => this.deepNestingInParams(),
      () => this.hugeNumber(),
      () => this.longString(),
      () => this.wrongEnvelope(),
      () => this.wrongParams(),
      () => this.unknownMethod(),
      () => this.notification(),
      () => this.invalidUtf8(),
      () => this.notJson(),
      () => this.batch(),
      () => this.validCall(),
      () => this.randomJsonValue(),
    ];
    // Lines over the 1 MiB limit cost a megabyte each over SSH: rare, but present.
    if (this.random() < 0.003) return this.hugeLine();
    return this.pick(cases)();
  }

  private int(max: number): number {
    return this.seeded.integer(0, max - 1);
  }

  private pick<T>(items: readonly T[]): T {
    return this.seeded.pick(items);
  }

  private id(): number {
    return this.nextId++;
  }

  private line(kind: string, text: string | Buffer, expect: FuzzExpectation): FuzzLine {
    return { kind, bytes: typeof text === 'string' ? Buffer.from(text, 'utf8') : text, expect };
  }

  private request(method: string, params: string | undefined, id: number | undefined): string {
    const idPart = id === undefined ? '' : `"id":${id},`;
    const paramsPart = params === undefined ? '' : `,"params":${params}`;
    return `{"jsonrpc":"2.0",${idPart}"method":${JSON.stringify(method)}${paramsPart}}`;
  }

  private deepNesting(): FuzzLine {
    const open = this.random() < 0.5 ? '[' : '{"a":';
    // Up to 300,000 levels, kept under the 1 MiB line limit (the depth must be what is refused).
    const deepest = open === '[' ? 300_000 : 150_000;
    const depth = 33 + this.int(this.random() < 0.2 ? deepest : 2_000);
    const close = open === '[' ? ']' : '}';
    return this.line('deep nesting', `${open.repeat(depth)}1${close.repeat(depth)}`, {
      answer: 'error',
      code: rpcErrorCodes.parseError,
      id: null,
    });
  }

  private deepNestingInParams(): FuzzLine {
    // Mostly a little past the limit; one in ten as deep as the exploit (200,000 levels).
    const depth = 40 + this.int(this.random() < 0.1 ? 200_000 : 2_000);
    const id = this.id();
    const params = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return this.line('deep params', this.request(this.pick(strictParams), params, id), {
      answer: 'error',
      code: rpcErrorCodes.parseError,
      id: null,
    });
  }

  private hugeNumber(): FuzzLine {
    // (-0 and 1e-400 read as 0, a valid id and offset: not in the list.)
    const numbers = ['1e400', '-1e400', '123456789012345678901234567890', '1.5', '9'.repeat(5000)];
    const value = this.pick(numbers);
    if (this.random() < 0.5) {
      // As the id: not one a response may carry, so the error's id is null.
      return this.line('huge number id', `{"jsonrpc":"2.0","id":${value},"method":"node.info"}`, {
        answer: 'error',
        code: rpcErrorCodes.invalidRequest,
        id: null,
      });
    }
    const id = this.id();
    const method = this.pick(['audit.tail', 'mailbox.list', 'queue.list'] as const);
    const field = method === 'audit.tail' ? 'limit' : this.pick(['limit', 'offset'] as const);
    const param = this.random() < 0.2 ? '-7' : value;
    return this.line('huge number param', this.request(method, `{"${field}":${param}}`, id), {
      answer: 'error',
      code: rpcErrorCodes.invalidParams,
      id,
    });
  }

  private longString(): FuzzLine {
    // Two bytes a character: at most 800 KB, under the line limit.
    const text = 'é'.repeat(201 + this.int(this.random() < 0.1 ? 400_000 : 20_000));
    if (this.random() < 0.5) {
      const id = this.id();
      return this.line('long method name', `{"jsonrpc":"2.0","id":${id},"method":"${text}"}`, {
        answer: 'error',
        code: rpcErrorCodes.invalidRequest,
        id,
      });
    }
    const id = this.id();
    return this.line('long param', this.request('service.restart', `{"service":"${text}"}`, id), {
      answer: 'error',
      code: rpcErrorCodes.invalidParams,
      id,
    });
  }

  private wrongEnvelope(): FuzzLine {
    const id = this.id();
    const variants: Array<[string, string | number | null]> = [
      [`{"jsonrpc":"1.0","id":${id},"method":"node.info"}`, id],
      [`{"id":${id},"method":"node.info"}`, id],
      [`{"jsonrpc":"2.0","id":${id},"method":5}`, id],
      [`{"jsonrpc":"2.0","id":${id},"method":""}`, id],
      [`{"jsonrpc":"2.0","id":${id}}`, id],
      [`{"jsonrpc":"2.0","id":{"x":${id}},"method":"node.info"}`, null],
      [`{"jsonrpc":"2.0","id":[${id}],"method":"node.info"}`, null],
      [`{"jsonrpc":"2.0","id":true,"method":"node.info"}`, null],
      [`{"jsonrpc":"2.0","id":null,"method":"node.info"}`, null],
      [`{"jsonrpc":"2.0","id":"${'i'.repeat(300)}","method":"node.info"}`, null],
      [`{"jsonrpc":2,"id":${id},"method":"node.info"}`, id],
      [`{"jsonrpc":"2.0","method":{"name":"node.info"}}`, null],
      [`{"jsonrpc":"2.0","id":${id},"method":null,"params":{}}`, id],
    ];
    const [text, expectedId] = this.pick(variants);
    return this.line('wrong envelope', text, {
      answer: 'error',
      code: rpcErrorCodes.invalidRequest,
      id: expectedId,
    });
  }

  private wrongParams(): FuzzLine {
    const id = this.id();
    const method = this.pick(strictParams);
    const params = this.pick([
      '"a string"',
      '42',
      'true',
      '[1,2,3]',
      '{}',
      '{"user":5}',
      '{"service":["x"]}',
      '{"hold":{"messageId":"../../etc/passwd"}}',
      '{"user":"no-at-sign"}',
      '{"id":"bad id with spaces"}',
      '{"target":{"user":"a@b","domain":"b"}}',
      '{"subscription":{}}',
      `{"unknown${this.int(1000)}":1}`,
      '{"ids":[],"bounce":"yes"}',
    ]);
    return this.line('wrong params', this.request(method, params, id), {
      answer: 'error',
      code: rpcErrorCodes.invalidParams,
      id,
    });
  }

  private unknownMethod(): FuzzLine {
    const id = this.id();
    const name = this.pick([
      `no.such${this.int(1000)}`,
      'rpc.discover',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'node.info ',
      'NODE.INFO',
      `${'x'.repeat(1 + this.int(199))}`,
      '日本語.メソッド',
    ]);
    return this.line('unknown method', this.request(name, '{}', id), {
      answer: 'error',
      code: rpcErrorCodes.methodNotFound,
      id,
    });
  }

  private notification(): FuzzLine {
    // No id: the agent runs (or refuses) it and answers nothing, whatever is wrong with it.
    const text = this.pick([
      this.request(`no.such${this.int(1000)}`, '{}', undefined),
      this.request(this.pick(strictParams), '"wrong"', undefined),
      this.request(this.pick(readOnly), '{}', undefined),
      this.request('service.restart', '{"service":5}', undefined),
      this.request('audit.tail', '{"limit":1e400}', undefined),
    ]);
    return this.line('notification', text, { answer: 'none' });
  }

  private invalidUtf8(): FuzzLine {
    const length = 1 + this.int(400);
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      // Never a newline: that would split the line in two.
      let byte = this.int(256);
      if (byte === 0x0a) byte = 0x0b;
      bytes[i] = byte;
    }
    // One byte that never occurs in UTF-8, so the line is certainly not UTF-8.
    bytes[this.int(length)] = 0xff;
    const wrapped =
      this.random() < 0.5
        ? bytes
        : Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"'), bytes, Buffer.from('"}')]);
    return this.line('invalid UTF-8', wrapped, { answer: 'error', code: rpcErrorCodes.parseError, id: null });
  }

  private notJson(): FuzzLine {
    const text = this.pick([
      '{',
      '}',
      '{"jsonrpc":"2.0","id":1,"method":"node.info"',
      "{'jsonrpc':'2.0'}",
      'GET / HTTP/1.1',
      'SSH-2.0-OpenSSH_9.2',
      '{"a":1}}',
      'NaN',
      'undefined',
      '{"jsonrpc":"2.0",,}',
      `"${'unterminated'.repeat(this.int(100))}`,
      '\u0000\u0001\u0002',
      '[1,2,',
    ]);
    return this.line('not JSON', text, { answer: 'error', code: rpcErrorCodes.parseError, id: null });
  }

  private batch(): FuzzLine {
    const items = Array.from({ length: this.int(5) }, () => this.request('node.info', '{}', this.id()));
    return this.line('batch', `[${items.join(',')}]`, {
      answer: 'error',
      code: rpcErrorCodes.invalidRequest,
      id: null,
    });
  }

  private validCall(): FuzzLine {
    const id = this.id();
    const method = this.pick(readOnly);
    const params =
      method === 'audit.tail' ? `{"limit":${1 + this.int(5)}}` : this.random() < 0.5 ? '{}' : undefined;
    return this.line('valid call', this.request(method, params, id), { answer: 'result', id });
  }

  private randomJsonValue(): FuzzLine {
    // Valid JSON that is not a request object.
    const text = this.pick(['1', '"text"', 'true', 'null', '{}', '{"jsonrpc":"2.0"}', `{"id":${this.id()}}`]);
    const expectedId = /"id":(\d+)/.exec(text)?.[1];
    return this.line('not a request', text, {
      answer: 'error',
      code: rpcErrorCodes.invalidRequest,
      id: expectedId === undefined ? null : Number(expectedId),
    });
  }

  private hugeLine(): FuzzLine {
    const size = 1024 * 1024 + 1 + this.int(200_000);
    const text = `{"jsonrpc":"2.0","id":${this.id()},"method":"node.info","params":{"pad":"${'p'.repeat(size)}"}}`;
    return this.line('huge line', text, { answer: 'error', code: rpcErrorCodes.lineTooLong, id: null });
  }
}
