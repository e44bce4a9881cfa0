/**
 * What the volunteers domain tells the community's outbox 事件 (see kit's outbox.ts): CARE_REQUEST_STATUS at every
 * status change of a care request, its creation included (from null), in the transaction of the change. Every step
 * of a request is a `CareEvent`, and every `CareEvent` that changes the status tells this (care.service.ts `note`,
 * and the relay's refused hold in borrowing.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { emitEvent, globalIdOf } from '@lilong/kit';
import { parseGlobalId } from '@lilong/schema';
import type { CareRequest } from './care/care.entity';
import type { CareStatus } from './care/care.enums';

/**
 * CARE_REQUEST_STATUS: the request went from `from` (null when it was just created) to `to`; subjects the request and
 * its household, figures the two statuses only. A request is a row of its household's community (asking and series
 * both check it), so the household's ID names the community of the request's own ID. The request must be written
 * (it has its ID).
 */
export function careStatusChanged(em: EntityManager, request: CareRequest, from: CareStatus | null, to: CareStatus): void {
  if (from === to) return;
  const householdId = request.place.householdId;
  emitEvent(em, {
    type: 'CARE_REQUEST_STATUS',
    subjects: { careRequest: globalIdOf(parseGlobalId(householdId).community, 'CareRequest', request.localId), household: householdId },
    data: { status: to, previousStatus: from },
  });
}
