import { forbidden, isSubdistrictStaff, requireSignedIn, rolesOf, type Claims } from '@lilong/kit';
import type { Product } from '../product/product.entity';
import type { GroupOrder, SignUp } from './order.entity';
import { verdictOf } from './order.rules';
import type { HandOutBuilding, OrderProgress } from './order.types';

/** The order's counts against its own minimum: the same verdict its close (alone or in a pool) will give. */
export function progressOf(order: GroupOrder, signUps: SignUp[]): OrderProgress {
  const verdict = verdictOf(order, signUps);
  return {
    households: verdict.households,
    quantity: verdict.quantity,
    minimumKind: order.minimumKind,
    minimum: order.minimum,
    missing: verdict.missing,
    reached: verdict.reached,
  };
}

/** Addresses in a sign-up list are for the group's leader only (for handing out); the merchant and staff see counts. */
export function requireLeaderOf(claims: Claims, order: GroupOrder): void {
  requireSignedIn(claims);
  if (!rolesOf(claims, 'leader').some((r) => r.group === order.groupId)) {
    const staff = isSubdistrictStaff(claims) ? ' (sub-district staff see counts: use progress)' : '';
    throw forbidden(`only the group's leader sees who signed up${staff}`, '只有本团团长可以查看报名住户');
  }
}

/** Units a household gets: its pool allocation once there is one, else what it signed up for. */
export const unitsOf = (line: { quantity: number; allocated?: number | null }) => line.allocated ?? line.quantity;

/** The hand-out list, by building, addresses only, in list order within each building. */
export function handOutList(signUps: SignUp[], productsById: Map<number, Product>): HandOutBuilding[] {
  const buildings = new Map<string, HandOutBuilding>();
  for (const signUp of signUps) {
    const lines = signUp.lines
      .getItems()
      .map((l) => ({ product: productsById.get(l.product.localId)!, quantity: unitsOf(l) }))
      .filter((l) => l.quantity > 0)
      .map((l) => ({ product: l.product.name, unit: l.product.unit, quantity: l.quantity }));
    if (lines.length === 0) continue;
    let building = buildings.get(signUp.building);
    if (!building) buildings.set(signUp.building, (building = { building: signUp.building, households: [], totals: [] }));
    building.households.push({ address: signUp.address, lines });
    for (const line of lines) {
      const total = building.totals.find((t) => t.product === line.product);
      if (total) total.quantity += line.quantity;
      else building.totals.push({ ...line });
    }
  }
  return [...buildings.values()].sort((a, b) => a.building.localeCompare(b.building, 'zh-CN', { numeric: true }));
}
