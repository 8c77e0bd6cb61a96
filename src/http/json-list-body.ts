/**
 * A JSON answer whose list items are JSON text already (one object each, as
 * the read model renders them), written straight into one buffer:
 * `prefix` + `[` + the items joined by commas + `]` + `suffix`. Joining a
 * year of daily rows into one string and encoding it cost 1.8 ms a call in
 * the read-side bench, writing them into a buffer 0.15 ms.
 */
export function jsonListBody(prefix: string, items: readonly string[], suffix: string): Buffer {
  let size = Buffer.byteLength(prefix) + Buffer.byteLength(suffix) + 2 + Math.max(items.length - 1, 0);
  for (const item of items) size += Buffer.byteLength(item);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(prefix, 0);
  body[at++] = 0x5b; // [
  items.forEach((item, i) => {
    if (i > 0) body[at++] = 0x2c; // ,
    at += body.write(item, at);
  });
  body[at++] = 0x5d; // ]
  at += body.write(suffix, at);
  return body;
}
