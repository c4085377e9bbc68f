/**
 * The v3 JSON gateway carries keys and values as base64 (protobuf `bytes`) and
 * 64-bit integers as decimal strings, leaving out fields that are zero or false
 * (proto3). These helpers are the one place that knows it.
 */

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const unb64 = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));

/** a workload value as stored: its JSON text, so the same value always has the same bytes (cas compares bytes) */
export const encodeValue = (v: unknown): string => b64(JSON.stringify(v));
export const decodeValue = (s: string | undefined): unknown => JSON.parse(unb64(s));

/**
 * The end of a prefix range: the prefix with its last byte plus one (etcd's
 * `range_end` for "every key starting with prefix"), base64.
 */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i]++;
      return end.toString('base64');
    }
  }
  return Buffer.from([0]).toString('base64'); // every byte 0xff: to the end of the key space
}

/** an int64 as the gateway sends it (a string, absent when 0) */
export const int64 = (s: string | number | undefined): number => (s === undefined ? 0 : Number(s));
