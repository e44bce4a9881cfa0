import { globalIdOf, tryLocalId, type Place } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addressLabelOf } from './household.entity';

interface Row {
  kind: 'household' | 'compound';
  id: number;
  compound_id: number;
  name: string;
  address: string;
  lat: number;
  lng: number;
  building: string | null;
  unit: string | null;
  room: string | null;
}

/**
 * Where households and compounds of this community are, in one statement: each household with its compound's
 * gate (name, street address, coordinates) and its registered building-unit-room; each compound on its own.
 * IDs of other communities, of other types, or of no record are left out of the answer.
 */
export async function placesOf(em: EntityManager, community: string, ids: readonly string[]): Promise<Map<string, Place>> {
  const households = new Map<number, string>();
  const compounds = new Map<number, string>();
  for (const id of ids) {
    const household = tryLocalId(community, id, 'Household');
    if (household !== undefined) households.set(household, id);
    const compound = tryLocalId(community, id, 'Compound');
    if (compound !== undefined) compounds.set(compound, id);
  }
  const out = new Map<string, Place>();
  if (households.size === 0 && compounds.size === 0) return out;
  const rows: Row[] = await em.getConnection().execute(
    `select 'household' as kind, h.id, c.id as compound_id, c.name, c.address, c.lat, c.lng, h.building, h.unit, h.room
       from household h join compound c on c.id = h.compound_id
      where h.id = any(?::int[])
     union all
     select 'compound', c.id, c.id, c.name, c.address, c.lat, c.lng, null, null, null
       from compound c where c.id = any(?::int[])`,
    [`{${[...households.keys()].join(',')}}`, `{${[...compounds.keys()].join(',')}}`],
  );
  for (const row of rows) {
    const asked = (row.kind === 'household' ? households : compounds).get(row.id)!;
    out.set(asked, {
      id: asked,
      compoundId: globalIdOf(community, 'Compound', row.compound_id),
      compoundName: row.name,
      compoundAddress: row.address,
      building: row.building ?? '',
      addressLabel: row.kind === 'household' ? addressLabelOf({ building: row.building!, unit: row.unit ?? '', room: row.room! }) : '',
      lat: Number(row.lat),
      lng: Number(row.lng),
    });
  }
  return out;
}
