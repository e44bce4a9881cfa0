import { forbidden, globalIdOf, isCommitteeOf, requireSignedIn, rolesOf, watchesOver } from '@lilong/kit';
import type { BilingualMessage } from '@lilong/schema';
import type { ShopsContext } from './loaders';

/** Committee staff of this community register the shops that stand in its compounds. */
export function requireCommittee(ctx: ShopsContext): void {
  requireSignedIn(ctx.claims);
  if (!isCommitteeOf(ctx.claims, ctx.community)) {
    throw forbidden("only the community's residents' committee adds shops", '只有本社区居委会可以添加商户');
  }
}

const MANAGES_STOCK: BilingualMessage = { en: 'manages its products and stock', zh: '管理其商品和库存' };

/** Only a shop's own merchant changes its products and stock (or does `what` else the refusal names). */
export function requireMerchantOf(ctx: ShopsContext, shopLocalId: number, what: BilingualMessage = MANAGES_STOCK): void {
  requireSignedIn(ctx.claims);
  const shopId = globalIdOf(ctx.community, 'Shop', shopLocalId);
  if (!rolesOf(ctx.claims, 'merchant').some((r) => r.shop === shopId)) {
    throw forbidden(`only the merchant of ${shopId} ${what.en}`, `只有 ${shopId} 的商户本人可以${what.zh}`);
  }
}

/**
 * The community's supply figures (group orders formed and failed, searches that found nothing in stock) are for
 * those who watch over the community as a whole: kit's `watchesOver` (its committee staff and information
 * officers, sub-district staff), the same rule as the group orders' reach of its households.
 */
export function requireSupplyFiguresReader(ctx: ShopsContext): void {
  requireSignedIn(ctx.claims);
  if (!watchesOver(ctx.claims, ctx.community)) {
    throw forbidden(
      "a community's supply figures are for its residents' committee and information officers, and sub-district staff",
      '社区的供应统计仅限本社区居委会、信息员和街道工作人员查看',
    );
  }
}
