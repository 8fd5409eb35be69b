const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A fresh `clientMsgId` (the transaction id of an outgoing message). `crypto.randomUUID` exists
 * only in secure contexts, and the office serves the app over plain http on its closed network,
 * so build one from `getRandomValues`, which is available everywhere.
 */
export function newClientMsgId(): string {
  const bytes = new Uint8Array(22);
  crypto.getRandomValues(bytes);
  let id = 'm';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}
