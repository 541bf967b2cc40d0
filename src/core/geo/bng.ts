/**
 * WGS84 longitude/latitude ⇄ British National Grid (EPSG:27700) easting/northing.
 *
 * Uses proj4 with the 7-parameter Helmert definition of EPSG:27700 (domain.md §6). It is within a few
 * metres of the OSTN15 grid transformation: fine for crime mapping and LSOA assignment, not for survey.
 */
import proj4 from 'proj4';

/** The proj4 definition of EPSG:27700 (British National Grid, OSGB36, Helmert datum shift). */
export const BNG_PROJ4 =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';

const converter = proj4('EPSG:4326', BNG_PROJ4);

/** WGS84 (longitude, latitude) in degrees → BNG [easting, northing] in metres. */
export function wgs84ToBng(lon: number, lat: number): [number, number] {
  const [e, n] = converter.forward([lon, lat]) as [number, number];
  return [e, n];
}

/** BNG (easting, northing) in metres → WGS84 [longitude, latitude] in degrees. */
export function bngToWgs84(easting: number, northing: number): [number, number] {
  const [lon, lat] = converter.inverse([easting, northing]) as [number, number];
  return [lon, lat];
}
