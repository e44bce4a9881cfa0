/** Mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

export interface LatLng {
  /** WGS-84 degrees. */
  lat: number;
  /** WGS-84 degrees. */
  lng: number;
}

const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in metres (haversine); within 0.5% of the ellipsoid at Shanghai's scale. */
export function haversineMeters(a: LatLng, b: LatLng): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The places within `withinMeters` of `origin`, nearest first (ties by `localId`), at most `first`; distances in
 * whole metres.
 */
export function nearest<T extends LatLng & { localId: number }>(
  places: readonly T[],
  origin: LatLng,
  withinMeters: number,
  first: number,
): { place: T; distanceMeters: number }[] {
  return places
    .map((place) => ({ place, meters: haversineMeters(origin, place) }))
    .filter(({ meters }) => meters <= withinMeters)
    .sort((x, y) => x.meters - y.meters || x.place.localId - y.place.localId)
    .slice(0, first)
    .map(({ place, meters }) => ({ place, distanceMeters: Math.round(meters) }));
}
