/**
 * Numeric arrays to and from the database without going through text.
 *
 * Writing or reading hundreds of thousands of floating-point numbers as text costs more than the
 * work they are for: JavaScript formats each double (shortest round-trip digits) and the server
 * parses it again, and the way back is as slow. PostgreSQL has a binary form for arrays (what
 * `array_send` writes and `array_recv` reads), and:
 * - node-postgres sends a Buffer parameter in binary, and the server reads it with the receive
 *   function of the parameter's type, which a cast such as `$1::float8[]` fixes. So on PostgreSQL
 *   `numericParam` returns the binary form.
 * - PGlite binds every parameter as text, so there it returns the array literal (the same numbers:
 *   `String(x)` of a double round-trips exactly). The statement is the same for both.
 * - `array_send(column)` returns the binary form as bytea on both backends (a Buffer from
 *   node-postgres, a Uint8Array from PGlite); `readNumericArray` decodes it.
 *
 * Many short arrays travel as one long one (`numericParam` of several lists) plus offsets: the
 * statement cuts each row's part with a slice (`a[o + 1 : o + l]`), which for fixed-width elements
 * is a copy of that part only.
 */

export type NumericType = 'int4' | 'int8' | 'float8';
export type Backend = 'postgres' | 'pglite';

const OID: Record<NumericType, number> = { int4: 23, int8: 20, float8: 701 };
const WIDTH: Record<NumericType, number> = { int4: 4, int8: 8, float8: 8 };
const TWO32 = 4294967296;

/**
 * One array parameter holding the lists one after the other (cast it in SQL to `<type>[]`): the
 * binary form on PostgreSQL, an array literal on PGlite. int4 and int8 values must be integers in
 * range; the binary form does not round.
 */
export function numericParam(backend: Backend, type: NumericType, lists: readonly (readonly number[])[]): Buffer | string {
  let n = 0;
  for (const l of lists) n += l.length;
  if (backend === 'pglite') {
    if (n === 0) return '{}';
    const parts: string[] = [];
    for (const l of lists) if (l.length) parts.push(l.join(','));
    return `{${parts.join(',')}}`;
  }
  const width = WIDTH[type];
  const buf = Buffer.allocUnsafe(n === 0 ? 12 : 20 + n * (4 + width));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setInt32(0, n === 0 ? 0 : 1);
  view.setInt32(4, 0); // no nulls
  view.setInt32(8, OID[type]);
  if (n === 0) return buf;
  view.setInt32(12, n);
  view.setInt32(16, 1); // lower bound
  let at = 20;
  for (const l of lists)
    for (let i = 0; i < l.length; i++) {
      const v = l[i];
      view.setInt32(at, width);
      if (type === 'float8') view.setFloat64(at + 4, v);
      else if (type === 'int4') {
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new RangeError(`not an int4: ${v}`);
        view.setInt32(at + 4, v);
      } else {
        if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe int8: ${v}`);
        const hi = Math.floor(v / TWO32);
        view.setInt32(at + 4, hi);
        view.setUint32(at + 8, v - hi * TWO32);
      }
      at += 4 + width;
    }
  return buf;
}

/**
 * Appends to `into` the elements of a one-dimensional int4[], int8[] or float8[] in the binary
 * form `array_send` returns. Null elements and other element types are refused.
 */
export function readNumericArray(bytes: Uint8Array, into: number[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndim = view.getInt32(0);
  if (ndim === 0) return;
  if (ndim !== 1) throw new Error(`expected a one-dimensional array, got ${ndim} dimensions`);
  if (view.getInt32(4) !== 0) throw new Error('expected an array without nulls');
  const oid = view.getInt32(8);
  const n = view.getInt32(12);
  let at = 20;
  if (oid === OID.float8)
    for (let i = 0; i < n; i++, at += 12) into.push(view.getFloat64(at + 4));
  else if (oid === OID.int4)
    for (let i = 0; i < n; i++, at += 8) into.push(view.getInt32(at + 4));
  else if (oid === OID.int8)
    for (let i = 0; i < n; i++, at += 12) into.push(view.getInt32(at + 4) * TWO32 + view.getUint32(at + 8));
  else throw new Error(`not a numeric array (element type ${oid})`);
  if (at !== bytes.byteLength) throw new Error('array bytes do not match their length');
}
