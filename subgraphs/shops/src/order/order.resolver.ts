import { forbidden, globalIdOf, localIdOf, rolesOf } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import { Compound } from '../compound/compound.type';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import { GroupOrder, SignUp } from './order.entity';
import { GroupOrderActionInput, OpenGroupOrderInput, SignUpInput, WithdrawSignUpInput } from './order.inputs';
import { closeGroupOrder, confirmGroupOrder, markHandedOver, openGroupOrder, signUp, withdrawSignUp } from './order.service';
import { Group, GroupOrderLine, HandOutBuilding, Household, OrderProgress, SignUpLineView } from './order.types';
import { handOutList, progressOf, requireLeaderOf } from './order.view';
import { GroupOrderStatus } from './order.enums';

async function productsOf(ctx: ShopsContext, ids: number[]): Promise<Map<number, Product>> {
  const products = await ctx.loaders.product.loadMany(ids);
  return new Map(products.flatMap((p) => (p && !(p instanceof Error) ? [[p.localId, p] as const] : [])));
}

@Resolver(() => GroupOrder)
export class GroupOrderResolver {
  @FieldResolver(() => ID)
  id(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'GroupOrder', order.localId);
  }

  @FieldResolver(() => Shop)
  async shop(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<Shop> {
    return (await ctx.loaders.shop.load(order.shop.localId))!;
  }

  @FieldResolver(() => Community, { description: 'The community holding the order: the merchant’s.' })
  community(@Ctx() ctx: ShopsContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => Group, { description: "The leader's mutual-aid group (in its own community)." })
  group(@Root() order: GroupOrder): Group {
    return { id: order.groupId };
  }

  @FieldResolver(() => Compound, { description: 'The compound whose households sign up.' })
  compound(@Root() order: GroupOrder): Compound {
    return { id: order.compoundId } as Compound;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the order failed, in English.' })
  statusReason(@Root() order: GroupOrder): string | null {
    return order.statusReason?.en ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the order failed, in Chinese 未成团原因.' })
  statusReasonZh(@Root() order: GroupOrder): string | null {
    return order.statusReason?.zh ?? null;
  }

  @FieldResolver(() => [GroupOrderLine])
  async lines(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<GroupOrderLine[]> {
    const [items, signUps] = await Promise.all([ctx.loaders.itemsByOrder.load(order.localId), ctx.loaders.activeSignUpsByOrder.load(order.localId)]);
    const products = await productsOf(ctx, items.map((i) => i.product.localId));
    return items.map((item) => ({
      product: products.get(item.product.localId)!,
      signedUp: signUps.reduce((sum, s) => sum + s.lines.getItems().filter((l) => l.product.localId === item.product.localId).reduce((n, l) => n + l.quantity, 0), 0),
    }));
  }

  @FieldResolver(() => OrderProgress, { description: 'Counts anyone may see: households and units signed up, and what is missing.' })
  async progress(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<OrderProgress> {
    return progressOf(order, await ctx.loaders.activeSignUpsByOrder.load(order.localId));
  }

  @FieldResolver(() => [SignUp], { nullable: true, description: 'The sign-up list 接龙 in order: for the group’s leader only.' })
  async signUps(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<SignUp[]> {
    requireLeaderOf(ctx.claims, order);
    return ctx.loaders.activeSignUpsByOrder.load(order.localId);
  }

  @FieldResolver(() => SignUp, { nullable: true, description: "The calling household's own sign-up, if any." })
  async mySignUp(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<SignUp | null> {
    const mine = new Set(rolesOf(ctx.claims, 'resident').map((r) => r.household));
    if (mine.size === 0) return null;
    const signUps = await ctx.loaders.activeSignUpsByOrder.load(order.localId);
    return signUps.find((s) => mine.has(s.householdId)) ?? null;
  }

  @FieldResolver(() => [HandOutBuilding], {
    nullable: true,
    description: 'What each household gets, grouped by building, addresses only: for the leader, once the order formed.',
  })
  async handOutList(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<HandOutBuilding[] | null> {
    requireLeaderOf(ctx.claims, order);
    if (order.status === GroupOrderStatus.OPEN || order.status === GroupOrderStatus.POOLED || order.status === GroupOrderStatus.FAILED) return null;
    const signUps = await ctx.loaders.activeSignUpsByOrder.load(order.localId);
    const products = await productsOf(ctx, signUps.flatMap((s) => s.lines.getItems().map((l) => l.product.localId)));
    return handOutList(signUps, products);
  }

  @Query(() => GroupOrder, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async groupOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: ShopsContext): Promise<GroupOrder | null> {
    return (await ctx.loaders.groupOrder.load(localIdOf(ctx.community, id, 'GroupOrder'))) ?? null;
  }

  @Mutation(() => GroupOrder, { description: "A group leader opens a group order 开团 with a shop, for the group's compound." })
  @Directive('@routeBy(arg: "input.shopId")')
  openGroupOrder(@Arg('input') input: OpenGroupOrderInput, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return openGroupOrder(ctx, input);
  }

  @Mutation(() => GroupOrder, { description: 'The leader closes the order before its deadline: it forms or fails now.' })
  @Directive('@routeBy(arg: "input.orderId")')
  closeGroupOrder(@Arg('input') input: GroupOrderActionInput, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return closeGroupOrder(ctx, input);
  }

  @Mutation(() => GroupOrder, { description: 'The merchant accepts a formed order.' })
  @Directive('@routeBy(arg: "input.orderId")')
  confirmGroupOrder(@Arg('input') input: GroupOrderActionInput, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return confirmGroupOrder(ctx, input);
  }

  @Mutation(() => GroupOrder, { description: 'The merchant marks a confirmed order handed over; its units leave the shelf.' })
  @Directive('@routeBy(arg: "input.orderId")')
  markHandedOver(@Arg('input') input: GroupOrderActionInput, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return markHandedOver(ctx, input);
  }
}

@Resolver(() => SignUp)
export class SignUpResolver {
  @FieldResolver(() => ID)
  id(@Root() signUp: SignUp, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'SignUp', signUp.localId);
  }

  @FieldResolver(() => GroupOrder)
  async order(@Root() signUp: SignUp, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return (await ctx.loaders.groupOrder.load(signUp.order.localId))!;
  }

  @FieldResolver(() => Household)
  household(@Root() signUp: SignUp): Household {
    return { id: signUp.householdId };
  }

  @FieldResolver(() => String, { description: 'Building-unit-room, as attested at sign-up.' })
  address(@Root() signUp: SignUp): string {
    return signUp.address;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Place in the list 接龙序号, 1 first; null once withdrawn.' })
  async position(@Root() signUp: SignUp, @Ctx() ctx: ShopsContext): Promise<number | null> {
    if (signUp.withdrawnAt) return null;
    const list = await ctx.loaders.activeSignUpsByOrder.load(signUp.order.localId);
    const index = list.findIndex((s) => s.localId === signUp.localId);
    return index < 0 ? null : index + 1;
  }

  @FieldResolver(() => [SignUpLineView])
  async lines(@Root() signUp: SignUp, @Ctx() ctx: ShopsContext): Promise<SignUpLineView[]> {
    const lines = signUp.lines.isInitialized() ? signUp.lines.getItems() : await signUp.lines.loadItems();
    const products = await productsOf(ctx, lines.map((l) => l.product.localId));
    return lines.map((l) => ({
      product: products.get(l.product.localId)!,
      quantity: l.quantity,
      allocated: l.allocated ?? null,
      explanation: l.explanation
        ? {
            rule: l.explanation.rule,
            message: l.explanation.message.en,
            messageZh: l.explanation.message.zh,
            requested: l.explanation.requested,
            allocated: l.explanation.allocated,
            // Rows written before extra units were dealt out have none.
            fromTolerance: l.explanation.extra ?? 0,
            position: l.explanation.position,
          }
        : null,
    }));
  }

  @Mutation(() => SignUp, {
    description: 'A household signs up for a group order 接龙, or changes its quantities, keeping its place; stock is reserved at once.',
  })
  @Directive('@routeBy(arg: "input.orderId")')
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: ShopsContext): Promise<SignUp> {
    return signUp(ctx, input);
  }

  @Mutation(() => SignUp, { description: 'A household leaves the list before the deadline; its reserved units are released.' })
  @Directive('@routeBy(arg: "input.orderId")')
  withdrawSignUp(@Arg('input') input: WithdrawSignUpInput, @Ctx() ctx: ShopsContext): Promise<SignUp> {
    return withdrawSignUp(ctx, input);
  }
}

@Resolver(() => Group)
export class GroupOrdersOfGroupResolver {
  @FieldResolver(() => [GroupOrder], {
    nullable: true,
    description: "The group's orders, held by merchants in any community, newest first.",
  })
  @Directive('@fanout(sortBy: "createdAt", order: "DESC")')
  groupOrders(@Root() group: Group, @Ctx() ctx: ShopsContext): Promise<GroupOrder[]> {
    return ctx.loaders.ordersByGroup.load(group.id);
  }
}

@Resolver(() => Household)
export class SignUpsOfHouseholdResolver {
  @FieldResolver(() => [SignUp], {
    nullable: true,
    description: "The household's sign-ups at merchants in any community, newest first: for the household itself.",
  })
  @Directive('@fanout(sortBy: "updatedAt", order: "DESC")')
  async signUps(@Root() household: Household, @Ctx() ctx: ShopsContext): Promise<SignUp[]> {
    if (!rolesOf(ctx.claims, 'resident').some((r) => r.household === household.id)) {
      throw forbidden("a household's sign-ups are visible to the household itself", '住户的报名记录仅本户可见');
    }
    return ctx.loaders.signUpsByHousehold.load(household.id);
  }
}

@Resolver(() => Shop)
export class ShopOrdersResolver {
  @FieldResolver(() => [GroupOrder], { description: "The shop's group orders still taking sign-ups, by deadline." })
  openOrders(@Root() shop: Shop, @Ctx() ctx: ShopsContext): Promise<GroupOrder[]> {
    return ctx.loaders.openOrdersByShop.load(shop.localId);
  }
}
