import { boundHeapGrowth, DEFAULT_HEAP_GROWING_PERCENT } from '../heap';

describe('boundHeapGrowth', () => {
  it('bounds the growth by default, takes another value, and leaves V8 its own with 0', () => {
    expect(boundHeapGrowth({}, [])).toBe(DEFAULT_HEAP_GROWING_PERCENT);
    expect(boundHeapGrowth({ LILONG_HEAP_GROWING_PERCENT: '80' }, [])).toBe(80);
    expect(boundHeapGrowth({ LILONG_HEAP_GROWING_PERCENT: '0' }, [])).toBe(0);
  });

  it("leaves it to Node's command line when that sets it", () => {
    expect(boundHeapGrowth({ LILONG_HEAP_GROWING_PERCENT: '80' }, ['--heap-growing-percent=30'])).toBe(-1);
  });

  it('refuses a value that is not a whole percentage, saying which variable', () => {
    for (const bad of ['fifty', '-5', '1.5', '5000']) {
      expect(() => boundHeapGrowth({ LILONG_HEAP_GROWING_PERCENT: bad }, [])).toThrow(`LILONG_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000 (0: V8's own growth), not "${bad}"`);
    }
  });
});
