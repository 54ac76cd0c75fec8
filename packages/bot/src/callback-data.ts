/*
 * Inline button payloads. Telegram limits callback_data to 64 bytes; every form here is a short
 * prefix and decimal ids, so it stays under 30 bytes.
 */

export type CallbackAction =
  | { readonly kind: 'retry'; readonly requestId: number }
  | { readonly kind: 'feedback'; readonly queryId: number; readonly rating: 1 | -1 }
  | { readonly kind: 'more'; readonly queryId: number }
  | { readonly kind: 'ack'; readonly alertId: number };

export const MAX_CALLBACK_BYTES = 64;

export function encodeCallback(a: CallbackAction): string {
  switch (a.kind) {
    case 'retry':
      return `retry:${a.requestId}`;
    case 'feedback':
      return `fb:${a.queryId}:${a.rating}`;
    case 'more':
      return `more:${a.queryId}`;
    case 'ack':
      return `ack:${a.alertId}`;
    default:
      return assertUnreachable(a);
  }
}

const ID = '([1-9]\\d{0,14})';
const PATTERNS: [RegExp, (m: RegExpExecArray) => CallbackAction][] = [
  [new RegExp(`^retry:${ID}$`), (m) => ({ kind: 'retry', requestId: Number(m[1]) })],
  [
    new RegExp(`^fb:${ID}:(1|-1)$`),
    (m) => ({ kind: 'feedback', queryId: Number(m[1]), rating: m[2] === '1' ? 1 : -1 }),
  ],
  [new RegExp(`^more:${ID}$`), (m) => ({ kind: 'more', queryId: Number(m[1]) })],
  [new RegExp(`^ack:${ID}$`), (m) => ({ kind: 'ack', alertId: Number(m[1]) })],
];

/** Parses button data; undefined for anything malformed or from an older bot version. */
export function parseCallback(data: string | undefined): CallbackAction | undefined {
  if (!data || data.length > MAX_CALLBACK_BYTES) return undefined;
  for (const [re, make] of PATTERNS) {
    const m = re.exec(data);
    if (m) return Object.freeze(make(m));
  }
  return undefined;
}

function assertUnreachable(x: never): never {
  throw new Error(`Unhandled callback action ${JSON.stringify(x)}`);
}
