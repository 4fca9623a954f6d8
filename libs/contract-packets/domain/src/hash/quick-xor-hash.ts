const widthBits = 160;
const shiftBits = 11;
const widthBytes = widthBits / 8;

/**
 * Microsoft's QuickXorHash (the `quickXorHash` OneDrive/SharePoint report for every file): each
 * byte is XORed into a 160-bit circular register, 11 bits further along than the byte before, and
 * the 64-bit length is XORed into the last 8 bytes. Since byte k always lands at bit (11k mod 160),
 * bytes 160 apart land on the same bits: they are folded first, then placed once per digest.
 */
export class QuickXorHash {
  private readonly folded = new Uint8Array(widthBits);
  private length = 0;

  update(chunk: Uint8Array): this {
    const start = this.length % widthBits;
    for (let i = 0; i < chunk.length; i++) this.folded[(start + i) % widthBits] ^= chunk[i];
    this.length += chunk.length;
    return this;
  }

  digest(): Uint8Array {
    const out = new Uint8Array(widthBytes);
    for (let k = 0; k < widthBits; k++) {
      const byte = this.folded[k];
      if (byte === 0) continue;
      const bit = (k * shiftBits) % widthBits;
      const spread = byte << (bit & 7);
      const at = bit >> 3;
      out[at] ^= spread & 0xff;
      out[(at + 1) % widthBytes] ^= spread >> 8;
    }
    let length = BigInt(this.length);
    for (let i = 0; i < 8; i++) {
      out[widthBytes - 8 + i] ^= Number(length & 0xffn);
      length >>= 8n;
    }
    return out;
  }

  /** The form Graph reports in `file.hashes.quickXorHash`. */
  digestBase64(): string {
    return Buffer.from(this.digest()).toString('base64');
  }
}

export const quickXorHash = (bytes: Uint8Array): string => new QuickXorHash().update(bytes).digestBase64();
