import { describe, expect, it } from 'vitest';
import { assembleAmps } from './assemble.js';
import { IsrFrame } from './isr-frame.js';
import { subtractOverscan } from './overscan.js';
import { parseSection } from './section.js';

// Two 4×3-data amps (1 prescan column, 2 overscan columns), the left one read out mirrored.
const AW = 7;
const AH = 3;
const layout = (side: 0 | 1) => ({
  width: AW,
  height: AH,
  dataSec: '[2:5,1:3]',
  biasSec: '[6:7,1:3]',
  detSec: side === 0 ? '[4:1,1:3]' : '[5:8,3:1]',
});
const raw = (side: 0 | 1): Int32Array =>
  Int32Array.from({ length: AW * AH }, (_, i) => 1000 + 17 * side + ((i * 7919) % 61));

describe('IsrFrame', () => {
  it('places amps in any order into the frame a trimmed copy per amp would assemble to', () => {
    const amps = [layout(0), layout(1)];
    const expected = assembleAmps(
      8,
      3,
      amps.map((a, k) => {
        const os = subtractOverscan(
          raw(k as 0 | 1),
          AW,
          AH,
          parseSection(a.dataSec).box,
          parseSection(a.biasSec).box,
        );
        return {
          data: os.data,
          width: os.width,
          height: os.height,
          detSec: parseSection(a.detSec),
        };
      }),
    );
    const into = new Float32Array(24).fill(7);
    const frame = new IsrFrame(amps, into);
    expect(frame.data).toBe(into);
    frame.place(1, raw(1));
    frame.place(0, raw(0));
    const stats = frame.finish();
    expect(Array.from(frame.data)).toEqual(Array.from(expected.data));
    expect(stats).toHaveLength(2);
  });

  it('leaves NaN where no amp lands, whatever the frame held before', () => {
    const gap = { ...layout(1), detSec: '[6:9,3:1]' };
    const into = new Float32Array(27).fill(7);
    const frame = new IsrFrame([layout(0), gap], into);
    frame.place(0, raw(0));
    frame.place(1, raw(1));
    frame.finish();
    for (let y = 0; y < 3; y++) {
      expect(frame.data[y * 9 + 4]).toBeNaN();
      expect(frame.data[y * 9 + 3]).not.toBe(7);
      expect(frame.data[y * 9 + 5]).not.toBe(7);
    }
  });

  it('refuses to finish before every amp is placed, or twice, and a frame of the wrong size', () => {
    const frame = new IsrFrame([layout(0), layout(1)]);
    frame.place(0, raw(0));
    expect(() => frame.finish()).toThrow(/amp 1 was never placed/);
    frame.place(1, raw(1));
    frame.finish();
    expect(() => frame.finish()).toThrow(/already finished/);
    expect(() => frame.place(0, raw(0))).toThrow(/no amp 0/);
    expect(() => new IsrFrame([layout(0), layout(1)], new Float32Array(23))).toThrow(/23 values/);
    expect(() => new IsrFrame([{ ...layout(0), gain: 0 }])).toThrow(/gain must be > 0/);
  });
});
