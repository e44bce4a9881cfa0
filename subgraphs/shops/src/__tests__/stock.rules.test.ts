import { GraphQLError } from 'graphql';
import { Product } from '../product/product.entity';
import { adjustProblem, deltaValueProblem, onHandValueProblem, planStockOp, setProblem, versionProblem } from '../stock/stock.rules';

const stock = { onHand: 12, reserved: 5, stockVersion: 3 };

describe('stock rules', () => {
  it('accept a count at or above what is reserved', () => {
    expect(planStockOp(stock, { kind: 'set', onHand: 5, expectedVersion: 3 })).toEqual({ onHand: 5 });
    expect(planStockOp(stock, { kind: 'set', onHand: 40 })).toEqual({ onHand: 40 });
  });

  it('refuse a count below what is reserved, naming both numbers', () => {
    const refused = setProblem(stock, 3)!;
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.en).toBe(
      'cannot count 3 on hand: 5 are already reserved for accepted orders (12 on hand now). Count at least 5, or release orders first.',
    );
    expect(refused.zh).toContain('已有 5 件');
  });

  it('refuse to remove more than is unreserved, saying how many can go', () => {
    expect(planStockOp(stock, { kind: 'adjust', delta: -7 })).toEqual({ onHand: 5 });
    expect(adjustProblem(stock, -8)!.en).toBe(
      'cannot remove 8: 5 of the 12 on hand are reserved for accepted orders, so at most 7 can be removed.',
    );
    expect(adjustProblem({ onHand: 4, reserved: 0 }, -5)!.en).toBe('cannot remove 5: only 4 on hand.');
  });

  it('refuse to go above the limit', () => {
    expect(adjustProblem({ onHand: 999_990, reserved: 0 }, 11)!.en).toContain('would make 1,000,001, more than the limit of 1,000,000');
  });

  it('judge a stale version first, as a CONFLICT that says what the stock is now', () => {
    const planned = planStockOp(stock, { kind: 'set', onHand: 1, expectedVersion: 2 });
    expect(planned).toEqual({ problem: expect.objectContaining({ code: 'CONFLICT' }) });
    expect(versionProblem(stock, 2)!.en).toContain('it is now version 3 with 12 on hand (5 reserved)');
    expect(versionProblem(stock, 3)).toBeUndefined();
    expect(versionProblem(stock, null)).toBeUndefined();
  });

  it.each([
    [-1, 'cannot be negative'],
    [1.5, 'whole number'],
    [1_000_001, 'at most 1,000,000'],
  ])('refuse the count %p', (value, message) => {
    expect(onHandValueProblem(value)!.en).toContain(message);
  });

  it.each([
    [0, 'must not be 0'],
    [2.5, 'whole number'],
    [1_000_001, 'between -1,000,000 and 1,000,000'],
    [-1_000_001, 'between -1,000,000 and 1,000,000'],
  ])('refuse the delta %p', (value, message) => {
    expect(deltaValueProblem(value)!.en).toContain(message);
  });
});

describe('Product stock invariants', () => {
  const product = () => Object.assign(new Product(), { onHand: 12, reserved: 5, stockVersion: 3, lowStockThreshold: 7 });

  it('adjusts and counts, bumping the version each time', () => {
    const p = product();
    p.adjustOnHand(-2);
    expect([p.onHand, p.stockVersion, p.available]).toEqual([10, 4, 5]);
    p.setOnHand(20);
    expect([p.onHand, p.stockVersion]).toEqual([20, 5]);
  });

  it('is low when available is at or below the threshold', () => {
    const p = product();
    expect(p.lowStock).toBe(true); // 7 available, threshold 7
    p.setOnHand(13);
    expect(p.lowStock).toBe(false);
  });

  it('refuses to drop below what is reserved, with a coded error, and stays as it was', () => {
    const p = product();
    expect(() => p.adjustOnHand(-8)).toThrow(GraphQLError);
    expect(() => p.setOnHand(4)).toThrow('input.onHand: cannot count 4 on hand');
    expect([p.onHand, p.stockVersion]).toEqual([12, 3]);
  });
});
