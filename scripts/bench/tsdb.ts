import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Writes Prometheus TSDB blocks straight from a model of linear series, in Prometheus's own disk
 * format (prometheus/prometheus tsdb/docs/format: index.md, chunks.md, and tsdb/chunkenc/xor.go
 * for the sample encoding). It replaces rendering the history as OpenMetrics and backfilling it
 * with `promtool tsdb create-blocks-from openmetrics`, which parsed every sample twice (~4 µs a
 * sample here, 105 s for the default scale). Every series is linear, so most series share their
 * chunks' bytes: a chunk is encoded once per distinct value sequence and copied.
 *
 * Prometheus reads the blocks as it reads any other: checksums, the index's sort orders and the
 * XOR encoding are all checked when it loads or queries them, and the benchmark compares every
 * recorded query with its raw equivalent before timing.
 */

/** One series of the history: the value at sample n is `perInterval * n` or `perInterval`. */
export interface LinearSeries {
  /** Every label, `__name__` included. */
  readonly labels: Readonly<Record<string, string>>;
  readonly perInterval: number;
  readonly counter: boolean;
  /** Index of its first sample (a recorded series starts one interval late). */
  readonly from: number;
}

/** The samples' time grid: sample n is at `startMs + n * intervalMs`, n = 0 .. steps. */
export interface Grid {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly steps: number;
}

export interface BlockStats {
  readonly blocks: number;
  readonly series: number;
  readonly samples: number;
  readonly chunks: number;
  readonly bytes: number;
}

/** promtool's and the head's block range: one block per aligned 2 h. */
const BLOCK_MS = 2 * 3600 * 1000;
/** The head cuts a chunk at 120 samples. */
const SAMPLES_PER_CHUNK = 120;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c;
  }
  return table;
})();

/** CRC-32C (Castagnoli), as every checksum of the block format. */
function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = -1;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A growable byte buffer with the block format's integer encodings. */
class Bytes {
  private buf: Buffer;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.alloc(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  be32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
  }

  be64(v: number): void {
    this.reserve(8);
    this.buf.writeBigUInt64BE(BigInt(v), this.length);
    this.length += 8;
  }

  /** Unsigned varint of a non-negative integer below 2^53. */
  uvarint(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.byte((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    this.byte(x);
  }

  /** Signed (zig-zag) varint. */
  varint(v: number): void {
    this.uvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  string(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.uvarint(b.length);
    this.bytes(b);
  }

  /** Zero bytes up to a multiple of `n`. */
  align(n: number): void {
    while (this.length % n !== 0) this.byte(0);
  }

  /** Overwrites 4 bytes at `at`. */
  setBe32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  crcFrom(start: number): number {
    return crc32c(this.buf, start, this.length);
  }

  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Prometheus's bstream: bits appended most significant first. */
class BitStream {
  private readonly buf = new Uint8Array(4096);
  private bit = 0;

  reset(): void {
    this.buf.fill(0, 0, (this.bit >> 3) + 1);
    this.bit = 0;
  }

  /** The low `n` (<= 32) bits of `v`. */
  bits(v: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      if ((v >>> i) & 1)
        this.buf[this.bit >> 3] = (this.buf[this.bit >> 3] ?? 0) | (0x80 >> (this.bit & 7));
      this.bit++;
    }
  }

  /** The low `n` (<= 64) bits of the 64-bit value hi:lo. */
  bits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.bits(hi, n - 32);
      this.bits(lo, 32);
    } else {
      this.bits(lo, n);
    }
  }

  varintBytes(v: number, signed: boolean): void {
    let x = signed ? (v < 0 ? -2 * v - 1 : 2 * v) : v;
    while (x >= 0x80) {
      this.bits((x % 0x80) | 0x80, 8);
      x = Math.floor(x / 0x80);
    }
    this.bits(x, 8);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bit + 7) >> 3);
  }
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);

/** An XOR chunk (encoding 1) of the samples (t, v), as chunkenc's xorAppender writes it. */
function xorChunk(times: readonly number[], values: readonly number[]): Uint8Array {
  const s = new BitStream();
  s.reset();
  s.bits(times.length >> 8, 8);
  s.bits(times.length & 0xff, 8);
  let prevHi = 0;
  let prevLo = 0;
  let leading = 0xff;
  let trailing = 0;
  let tDelta = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] ?? 0;
    F64[0] = values[i] ?? 0;
    const lo = U32[0];
    const hi = U32[1];
    if (i === 0) {
      s.varintBytes(t, true);
      s.bits64(hi, lo, 64);
    } else {
      const delta = t - (times[i - 1] ?? 0);
      if (i === 1) {
        s.varintBytes(delta, false);
      } else {
        const dod = delta - tDelta;
        const fits = (n: number): boolean => -(2 ** (n - 1) - 1) <= dod && dod <= 2 ** (n - 1);
        // A prefix, then dod in as few bits as hold it (two's complement in those bits).
        const width = dod === 0 ? 0 : fits(14) ? 14 : fits(17) ? 17 : fits(20) ? 20 : 64;
        const prefix = {
          0: [0b0, 1],
          14: [0b10, 2],
          17: [0b110, 3],
          20: [0b1110, 4],
          64: [0b1111, 4],
        }[width];
        s.bits(prefix[0], prefix[1]);
        if (width === 64) s.bits64(Math.floor(dod / 2 ** 32) >>> 0, dod >>> 0, 64);
        else if (width > 0) s.bits(dod & ((1 << width) - 1), width);
      }
      tDelta = delta;
      const dHi = (hi ^ prevHi) >>> 0;
      const dLo = (lo ^ prevLo) >>> 0;
      if (dHi === 0 && dLo === 0) {
        s.bits(0, 1);
      } else {
        s.bits(1, 1);
        let lead = dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo);
        const trail = dLo !== 0 ? ctz32(dLo) : 32 + ctz32(dHi);
        if (lead >= 32) lead = 31;
        const shifted = (by: number): [number, number] =>
          by === 0
            ? [dHi, dLo]
            : by >= 32
              ? [0, dHi >>> (by - 32)]
              : [dHi >>> by, ((dLo >>> by) | (dHi << (32 - by))) >>> 0];
        if (leading !== 0xff && lead >= leading && trail >= trailing) {
          s.bits(0, 1);
          const [h, l] = shifted(trailing);
          s.bits64(h, l, 64 - leading - trailing);
        } else {
          leading = lead;
          trailing = trail;
          s.bits(1, 1);
          s.bits(lead, 5);
          const sig = 64 - lead - trail;
          s.bits(sig & 0x3f, 6);
          const [h, l] = shifted(trail);
          s.bits64(h, l, sig);
        }
      }
    }
    prevHi = hi;
    prevLo = lo;
  }
  return s.bytes();
}

/** A chunk as the chunks file holds it: len, encoding, data, CRC-32C of encoding and data. */
function chunkRecord(data: Uint8Array): Buffer {
  const b = new Bytes(data.length + 16);
  b.uvarint(data.length);
  const start = b.length;
  b.byte(1);
  b.bytes(data);
  b.be32(b.crcFrom(start));
  return Buffer.from(b.view());
}

const ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID (48-bit milliseconds, 80 random bits), the name of a block directory. */
function ulid(ms: number): string {
  let v = (BigInt(ms) << 80n) | BigInt(`0x${randomBytes(10).toString("hex")}`);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = (ULID_ALPHABET[Number(v & 31n)] ?? "0") + out;
    v >>= 5n;
  }
  return out;
}

type Pairs = readonly (readonly [string, string])[];

function comparePairs(a: Pairs, b: Pairs): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i] ?? ["", ""];
    const [bn, bv] = b[i] ?? ["", ""];
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.length - b.length;
}

/** Byte order of UTF-8 strings, as Go compares them (the labels here are ASCII). */
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface ChunkMeta {
  readonly mint: number;
  readonly maxt: number;
  readonly ref: number;
}

/**
 * Writes one block (index, chunks/000001, meta.json) of the samples n = first .. last into
 * `dataDir/<ulid>`; returns its counts.
 */
function writeBlock(
  dataDir: string,
  series: readonly { pairs: Pairs; s: LinearSeries }[],
  grid: Grid,
  first: number,
  last: number,
): { series: number; samples: number; chunks: number; bytes: number } {
  const at = (n: number): number => grid.startMs + n * grid.intervalMs;
  const id = ulid(Date.now());
  const dir = path.join(dataDir, id);
  fs.mkdirSync(path.join(dir, "chunks"), { recursive: true });

  // Chunks: each series' samples in this block, cut in even parts of at most 120 samples.
  const chunksFile = new Bytes();
  chunksFile.be32(0x85bd40dd);
  chunksFile.byte(1);
  chunksFile.bytes(new Uint8Array(3));
  const cache = new Map<string, Buffer>();
  const present: { pairs: Pairs; metas: ChunkMeta[] }[] = [];
  let samples = 0;
  for (const { pairs, s } of series) {
    const from = Math.max(first, s.from);
    if (from > last) continue;
    const count = last - from + 1;
    const parts = Math.ceil(count / SAMPLES_PER_CHUNK);
    const metas: ChunkMeta[] = [];
    for (let p = 0; p < parts; p++) {
      const a = from + Math.floor((p * count) / parts);
      const b = from + Math.floor(((p + 1) * count) / parts) - 1;
      const key = `${String(s.counter)} ${String(s.perInterval)} ${String(a)} ${String(b)}`;
      let record = cache.get(key);
      if (record === undefined) {
        const times: number[] = [];
        const values: number[] = [];
        for (let n = a; n <= b; n++) {
          times.push(at(n));
          values.push(s.counter ? s.perInterval * n : s.perInterval);
        }
        record = chunkRecord(xorChunk(times, values));
        cache.set(key, record);
      }
      metas.push({ mint: at(a), maxt: at(b), ref: chunksFile.length });
      chunksFile.bytes(record);
      samples += b - a + 1;
    }
    present.push({ pairs, metas });
  }
  fs.writeFileSync(path.join(dir, "chunks", "000001"), chunksFile.view());

  // Index: symbols, series (16-byte aligned, id = offset / 16), label indices, postings, the
  // label and postings offset tables, TOC.
  const symbolSet = new Set<string>();
  for (const { pairs } of present) {
    for (const [n, v] of pairs) {
      symbolSet.add(n);
      symbolSet.add(v);
    }
  }
  const symbols = [...symbolSet].sort(byString);
  const symbolRef = new Map(symbols.map((s, i) => [s, i]));
  const ref = (s: string): number => symbolRef.get(s) ?? 0;

  const index = new Bytes();
  index.be32(0xbaaad700);
  index.byte(2);

  const tocSymbols = index.length;
  const symLen = index.length;
  index.be32(0);
  const symStart = index.length;
  index.be32(symbols.length);
  for (const s of symbols) index.string(s);
  index.setBe32(symLen, index.length - symStart);
  index.be32(index.crcFrom(symStart));

  index.align(16);
  const tocSeries = index.length;
  const postings = new Map<string, Map<string, number[]>>();
  const all: number[] = [];
  const entry = new Bytes(256);
  for (const { pairs, metas } of present) {
    index.align(16);
    const seriesId = index.length / 16;
    all.push(seriesId);
    for (const [n, v] of pairs) {
      let byValue = postings.get(n);
      if (byValue === undefined) postings.set(n, (byValue = new Map<string, number[]>()));
      let ids = byValue.get(v);
      if (ids === undefined) byValue.set(v, (ids = []));
      ids.push(seriesId);
    }
    entry.reset();
    entry.uvarint(pairs.length);
    for (const [n, v] of pairs) {
      entry.uvarint(ref(n));
      entry.uvarint(ref(v));
    }
    entry.uvarint(metas.length);
    let prev: ChunkMeta | undefined;
    for (const m of metas) {
      if (prev === undefined) {
        entry.varint(m.mint);
        entry.uvarint(m.maxt - m.mint);
        entry.uvarint(m.ref);
      } else {
        entry.uvarint(m.mint - prev.maxt);
        entry.uvarint(m.maxt - m.mint);
        entry.varint(m.ref - prev.ref);
      }
      prev = m;
    }
    index.uvarint(entry.length);
    const start = index.length;
    index.bytes(entry.view());
    index.be32(index.crcFrom(start));
  }

  const names = [...postings.keys()].sort(byString);
  index.align(4);
  const tocLabelIndices = index.length;
  const labelIndexOffsets: [string, number][] = [];
  for (const name of names) {
    index.align(4);
    labelIndexOffsets.push([name, index.length]);
    const values = [...(postings.get(name)?.keys() ?? [])].sort(byString);
    index.be32(4 + 4 + 4 * values.length);
    const start = index.length;
    index.be32(1);
    index.be32(values.length);
    for (const v of values) index.be32(ref(v));
    index.be32(index.crcFrom(start));
  }

  const postingOffsets: [string, string, number][] = [];
  const writePostings = (name: string, value: string, ids: readonly number[]): void => {
    index.align(4);
    postingOffsets.push([name, value, index.length]);
    index.be32(4 + 4 * ids.length);
    const start = index.length;
    index.be32(ids.length);
    for (const id of ids) index.be32(id);
    index.be32(index.crcFrom(start));
  };
  index.align(4);
  const tocPostings = index.length;
  writePostings("", "", all);
  for (const name of names) {
    const byValue = postings.get(name) ?? new Map<string, number[]>();
    for (const value of [...byValue.keys()].sort(byString)) {
      writePostings(name, value, byValue.get(value) ?? []);
    }
  }

  const offsetTable = (entries: readonly (readonly [string[], number])[]): number => {
    index.align(4);
    const at = index.length;
    const lenAt = index.length;
    index.be32(0);
    const start = index.length;
    index.be32(entries.length);
    for (const [keys, offset] of entries) {
      index.uvarint(keys.length);
      for (const k of keys) index.string(k);
      index.uvarint(offset);
    }
    index.setBe32(lenAt, index.length - start);
    index.be32(index.crcFrom(start));
    return at;
  };
  const tocLabelTable = offsetTable(labelIndexOffsets.map(([n, o]) => [[n], o] as const));
  const tocPostingsTable = offsetTable(postingOffsets.map(([n, v, o]) => [[n, v], o] as const));

  const tocStart = index.length;
  for (const o of [
    tocSymbols,
    tocSeries,
    tocLabelIndices,
    tocLabelTable,
    tocPostings,
    tocPostingsTable,
  ]) {
    index.be64(o);
  }
  index.be32(index.crcFrom(tocStart));
  fs.writeFileSync(path.join(dir, "index"), index.view());

  const chunks = present.reduce((n, p) => n + p.metas.length, 0);
  const mint = present.reduce((m, p) => Math.min(m, p.metas[0]?.mint ?? m), Infinity);
  const maxt = present.reduce((m, p) => Math.max(m, p.metas.at(-1)?.maxt ?? m), -Infinity);
  fs.writeFileSync(
    path.join(dir, "meta.json"),
    JSON.stringify({
      ulid: id,
      minTime: mint,
      maxTime: maxt + 1,
      stats: { numSamples: samples, numSeries: present.length, numChunks: chunks },
      compaction: { level: 1, sources: [id] },
      version: 1,
    }),
  );
  return { series: present.length, samples, chunks, bytes: chunksFile.length + index.length };
}

/**
 * Writes the series over the grid into `dataDir` as one block per aligned 2 h range, the blocks
 * `promtool tsdb create-blocks-from` and the head's compaction make.
 */
export function writeBlocks(
  dataDir: string,
  series: readonly LinearSeries[],
  grid: Grid,
): BlockStats {
  const sorted = series
    .map((s) => ({
      pairs: Object.entries(s.labels).sort(([a], [b]) => byString(a, b)),
      s,
    }))
    .sort((a, b) => comparePairs(a.pairs, b.pairs));
  fs.mkdirSync(dataDir, { recursive: true });
  const at = (n: number): number => grid.startMs + n * grid.intervalMs;
  const totals = { blocks: 0, series: 0, samples: 0, chunks: 0, bytes: 0 };
  let first = 0;
  while (first <= grid.steps) {
    const block = Math.floor(at(first) / BLOCK_MS);
    let last = first;
    while (last + 1 <= grid.steps && Math.floor(at(last + 1) / BLOCK_MS) === block) last++;
    const written = writeBlock(dataDir, sorted, grid, first, last);
    totals.blocks++;
    totals.series = Math.max(totals.series, written.series);
    totals.samples += written.samples;
    totals.chunks += written.chunks;
    totals.bytes += written.bytes;
    first = last + 1;
  }
  return totals;
}
