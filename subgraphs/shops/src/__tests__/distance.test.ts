import { haversineMeters, nearest } from '../distance';

// People's Square and the Oriental Pearl Tower, Shanghai: about 2.7 km apart across the Huangpu.
const PEOPLES_SQUARE = { lat: 31.2304, lng: 121.4737 };
const PEARL_TOWER = { lat: 31.2397, lng: 121.4998 };

describe('haversineMeters', () => {
  it('measures a known distance in Shanghai within 1%', () => {
    // Reference: Vincenty's formula on the WGS-84 ellipsoid gives 2,691.8 m for these two points.
    expect(Math.abs(haversineMeters(PEOPLES_SQUARE, PEARL_TOWER) - 2691.8) / 2691.8).toBeLessThan(0.01);
  });

  it('is zero for the same point and symmetric', () => {
    expect(haversineMeters(PEARL_TOWER, PEARL_TOWER)).toBe(0);
    expect(haversineMeters(PEOPLES_SQUARE, PEARL_TOWER)).toBeCloseTo(haversineMeters(PEARL_TOWER, PEOPLES_SQUARE), 6);
  });

  it('makes one degree of latitude 111.2 km on the mean sphere', () => {
    expect(haversineMeters({ lat: 31, lng: 121 }, { lat: 32, lng: 121 })).toBeCloseTo(111_195, -1);
  });
});

describe('nearest', () => {
  const shops = [
    { localId: 1, name: 'far', lat: 31.2397, lng: 121.4998 },
    { localId: 2, name: 'near', lat: 31.2310, lng: 121.4740 },
    { localId: 3, name: 'also near', lat: 31.2310, lng: 121.4740 },
  ];

  it('keeps places within the radius, nearest first, ties by id, in whole metres', () => {
    const found = nearest(shops, PEOPLES_SQUARE, 1000, 10);
    expect(found.map((f) => f.place.name)).toEqual(['near', 'also near']);
    expect(Number.isInteger(found[0]!.distanceMeters)).toBe(true);
    expect(found[0]!.distanceMeters).toBe(73); // Vincenty: 72.4 m
  });

  it('stops at `first`', () => {
    expect(nearest(shops, PEOPLES_SQUARE, 5000, 2).map((f) => f.place.localId)).toEqual([2, 3]);
  });
});
