// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as zip archives use it, see
// APPNOTE.TXT 4.4.7: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
// Table-driven, one byte at a time: fast enough for the few MB of a checkpoint.

const POLYNOMIAL = 0xedb88320;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
