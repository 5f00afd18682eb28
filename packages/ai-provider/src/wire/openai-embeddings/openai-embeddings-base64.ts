// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// OpenAI's `encoding_format: "base64"`: the vector's values as little-endian float32 bytes, in
// base64. Written explicitly little-endian, so the bytes do not depend on the host.

/** `vector` as base64 of its little-endian float32 values. */
export function encodeFloat32Base64 (vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4)
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index], index * 4)
  return bytes.toString('base64')
}

/** The values of a base64 string of little-endian float32 bytes (a trailing partial value is dropped). */
export function decodeFloat32Base64 (text: string): number[] {
  const bytes = Buffer.from(text, 'base64')
  const vector: number[] = new Array(bytes.length >> 2)
  for (let index = 0; index < vector.length; index++) vector[index] = bytes.readFloatLE(index * 4)
  return vector
}
