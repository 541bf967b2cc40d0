import { mentionsKnife, placeClass } from '../definition/parse.js';
import type { CompiledDefinition, SvCategory } from '../definition/types.js';
import { normaliseHocrCode } from '../hocr/normalise.js';

export type { SvCategory } from '../definition/types.js';

/** The facts about one incident that the definition looks at. */
export interface ClassifiableIncident {
  hocrCode: string | null;
  locationType: string | null;
  domestic: boolean | null;
  weapon: string | null;
  victimAges: readonly (number | null)[];
  suspectAges: readonly (number | null)[];
}

export type ExcludedReason = 'code' | 'domestic' | 'private_place' | 'unknown_place';

export interface Classification {
  inDefinition: boolean;
  /** Set whenever the code is a definition code, even if the incident is excluded for another reason. */
  svCategory: SvCategory | null;
  /** null = the place could not be classed as public or private. */
  publicPlace: boolean | null;
  victimU25: boolean;
  offenderU25: boolean;
  knifeEnabled: boolean;
  domestic: boolean | null;
  /** The first rule the incident fails, in the order code, domestic, private_place, unknown_place. */
  excludedReason: ExcludedReason | null;
}

/**
 * The reference classifier: the SQL path must give the same answers (tests compare them).
 * Reasons are checked in a fixed order and only the first failing one is reported, so counts of
 * exclusions by reason add up to the number excluded.
 */
export function classify(cdef: CompiledDefinition, inc: ClassifiableIncident): Classification {
  const def = cdef.definition;
  const hocrCode = inc.hocrCode === null ? null : normaliseHocrCode(inc.hocrCode);
  const svCategory = hocrCode === null ? null : (cdef.codeCategory.get(hocrCode) ?? null);
  const place = placeClass(cdef, inc.locationType);

  let excludedReason: ExcludedReason | null = null;
  if (svCategory === null) excludedReason = 'code';
  else if (inc.domestic === true && def.excludeDomestic) excludedReason = 'domestic';
  else if (place === 'private') excludedReason = 'private_place';
  else if (place === 'unknown' && def.location.unknownLocation === 'exclude') excludedReason = 'unknown_place';

  return {
    inDefinition: excludedReason === null,
    svCategory,
    publicPlace: place === 'public' ? true : place === 'private' ? false : null,
    victimU25: anyKnownAgeUnder(inc.victimAges, def.u25Age),
    offenderU25: anyKnownAgeUnder(inc.suspectAges, def.u25Age),
    knifeEnabled: hocrCode !== null && cdef.knifeCodes.has(hocrCode) && mentionsKnife(cdef, inc.weapon),
    domestic: inc.domestic,
    excludedReason,
  };
}

/** Unknown ages (null, NaN, negative) never count as under the threshold. */
function anyKnownAgeUnder(ages: readonly (number | null)[], threshold: number): boolean {
  return ages.some((age) => age !== null && Number.isFinite(age) && age >= 0 && age < threshold);
}
