/**
 * Home Office Counting Rules (HOCR) notifiable offence codes, as data.
 *
 * Sources: the ONS offence hierarchy (ONSdigital/dp-hierarchy-builder, crime-offence hierarchy for
 * 2017/18, which gives codes, labels and groups), the HOCR "Violence against the Person" documents
 * (April 2010 edition for the legacy 5A-5C and 8F-8K codes; April 2018-2021 editions for the current
 * groups) and recorded-crime table notes. Codes are written in their canonical form (see
 * normaliseHocrCode): no leading zeros, upper-case letter suffix, '/' for sub-classes.
 *
 * Dates: `validFrom` is the first day a code was in use and `validTo` the first day it was no longer
 * in use (exclusive end). `null` means no date is established: for `validFrom` the code predates our
 * sources or its start date is unknown; for `validTo` the code is still in use. Dates are only filled
 * in where a source or the commencement of the creating statute gives them; dates marked
 * "unconfirmed" are the best-supported estimate and may be corrected in one place here.
 *
 * Not covered (they are counted as "unrecognised" when met): pre-2008 violence codes (5, 8A-8E),
 * pre-2004 sexual offence codes, fraud codes to 2012/13 (fraud is now recorded by Action Fraud),
 * and codes we could not confirm from a source.
 */

export const HO_GROUPS = [
  'Homicide',
  'Death or serious injury by unlawful driving',
  'Violence with injury',
  'Violence without injury',
  'Stalking and harassment',
  'Rape',
  'Other sexual offences',
  'Robbery',
  'Theft offences',
  'Criminal damage and arson',
  'Drug offences',
  'Possession of weapons offences',
  'Public order offences',
  'Miscellaneous crimes against society',
] as const;

export type HoGroup = (typeof HO_GROUPS)[number];

export interface HocrCode {
  /** Canonical code, e.g. '8N', '1/1', '34B'. */
  code: string;
  description: string;
  /** Home Office / ONS offence group the code is counted in. */
  hoGroup: HoGroup;
  /** ISO date the code came into use, or null when not established (predates our sources). */
  validFrom: string | null;
  /** ISO date from which the code is no longer used (exclusive), or null when still in use. */
  validTo: string | null;
  /** For retired codes: the current code that replaced it (for counting old extracts consistently). */
  modernEquivalent?: string;
}

// The April 2008 revision of violence against the person introduced 5A-5C (replacing 5) and 8F-8K
// (replacing 8A-8E). Confirmed by the recorded-crime table notes ("introduced from 1 April 2008").
const VAP_2008 = '2008-04-01';

// UNCONFIRMED: the date 5A/5B/5C/8F/8G/8H/8J were replaced by 5D/5E/8N/8P. domain.md records it as
// unconfirmed; the best-supported date we found is the April 2012 HOCR revision (the HOCR 2010
// edition still lists 5A and 8F-8J; the ONS 2017/18 hierarchy only has 5D/5E/8N/8P). Change it here
// if a force's extracts show otherwise.
const VAP_2012 = '2012-04-01';

// Burglary was reclassified into "residential" and "business and community" in the April 2017 HOCR
// (best-supported date; the ONS 2017/18 hierarchy keeps the older codes as "outcome only").
const BURGLARY_2017 = '2017-04-01';

// Rape and sexual-assault codes with A-H suffixes follow the Sexual Offences Act 2003, in force
// 1 May 2004.
const SOA_2003 = '2004-05-01';

function code(
  codeText: string,
  description: string,
  hoGroup: HoGroup,
  dates: { from?: string; to?: string; modern?: string } = {},
): HocrCode {
  const entry: HocrCode = {
    code: codeText,
    description,
    hoGroup,
    validFrom: dates.from ?? null,
    validTo: dates.to ?? null,
  };
  if (dates.modern !== undefined) entry.modernEquivalent = dates.modern;
  return entry;
}

export const HOCR_CODES: readonly HocrCode[] = Object.freeze([
  // --- Violence against the person: homicide ---
  code('1', 'Murder', 'Homicide'),
  code('1/1', 'Murder of a person aged 1 year or over', 'Homicide'),
  code('1/2', 'Murder of a person aged under 1 year', 'Homicide'),
  code('4/1', 'Manslaughter', 'Homicide'),
  code('4/2', 'Infanticide', 'Homicide'),
  // Corporate Manslaughter and Corporate Homicide Act 2007, in force 6 April 2008.
  code('4/10', 'Corporate manslaughter', 'Homicide', { from: '2008-04-06' }),

  // --- Violence against the person: death or serious injury by unlawful driving ---
  code('4/4', 'Causing death or serious injury by dangerous driving', 'Death or serious injury by unlawful driving'),
  code(
    '4/6',
    'Causing death by careless driving when under the influence of drink or drugs',
    'Death or serious injury by unlawful driving',
  ),
  // Road Safety Act 2006 offences, in force 18 August 2008.
  code(
    '4/8',
    'Causing death or serious injury by careless or inconsiderate driving',
    'Death or serious injury by unlawful driving',
    { from: '2008-08-18' },
  ),
  code(
    '4/9',
    'Causing death or serious injury by driving: unlicensed, disqualified or uninsured drivers',
    'Death or serious injury by unlawful driving',
    { from: '2008-08-18' },
  ),
  code('37/1', 'Causing death by aggravated vehicle taking', 'Death or serious injury by unlawful driving'),

  // --- Violence against the person: violence with injury ---
  code('2', 'Attempted murder', 'Violence with injury'),
  code('4/3', 'Intentional destruction of a viable unborn child', 'Violence with injury'),
  code('4/7', 'Causing or allowing death or serious harm of a child or vulnerable person', 'Violence with injury'),
  code('5A', 'Wounding or carrying out an act endangering life', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '5D', // mostly GBH with intent, which is now 5D
  }),
  code('5B', 'Use of substance or object to endanger life', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '5E',
  }),
  code('5C', 'Possession of items to endanger life', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '5E',
  }),
  code('5D', 'Assault with intent to cause serious harm', 'Violence with injury', { from: VAP_2012 }),
  code('5E', 'Endangering life', 'Violence with injury', { from: VAP_2012 }),
  code('8F', 'Inflicting grievous bodily harm without intent', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '8N',
  }),
  code('8G', 'Actual bodily harm and other injury', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '8N',
  }),
  code('8H', 'Racially or religiously aggravated inflicting grievous bodily harm without intent', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '8P',
  }),
  code('8J', 'Racially or religiously aggravated actual bodily harm and other injury', 'Violence with injury', {
    from: VAP_2008,
    to: VAP_2012,
    modern: '8P',
  }),
  // Listed in HOCR 2010; whether it is still a separate code is unconfirmed, so no end date is set.
  code('8K', 'Poisoning or female genital mutilation', 'Violence with injury', { from: VAP_2008 }),
  code('8N', 'Assault with injury', 'Violence with injury', { from: VAP_2012 }),
  code('8P', 'Racially or religiously aggravated assault with injury', 'Violence with injury', { from: VAP_2012 }),
  code('8S', 'Assault with injury on a constable', 'Violence with injury'),

  // --- Violence against the person: violence without injury ---
  code('3A', 'Conspiracy to murder', 'Violence without injury'),
  code('3B', 'Threats to kill', 'Violence without injury'),
  code('11A', 'Cruelty to children/young persons', 'Violence without injury'),
  code('12', 'Abandoning a child under two years', 'Violence without injury'),
  code('13', 'Child abduction', 'Violence without injury'),
  code('14', 'Procuring illegal abortion', 'Violence without injury'),
  code('36', 'Kidnapping', 'Violence without injury'),
  code('104', 'Assault without injury on a constable', 'Violence without injury'),
  code('105A', 'Assault without injury', 'Violence without injury'),
  code('105B', 'Racially or religiously aggravated assault without injury', 'Violence without injury'),
  // Modern Slavery Act 2015 s.1, in force 31 July 2015.
  code('106', 'Modern slavery', 'Violence without injury', { from: '2015-07-31' }),

  // --- Violence against the person: stalking and harassment ---
  code('8L', 'Harassment', 'Stalking and harassment'),
  code('8M', 'Racially or religiously aggravated harassment', 'Stalking and harassment'),
  // Protection of Freedoms Act 2012 stalking offences, in force 25 November 2012.
  code('8Q', 'Stalking', 'Stalking and harassment', { from: '2012-11-25' }),
  // 8R and 8U are from later HOCR editions; the codes were not confirmed against a stored source.
  code('8R', 'Malicious communications', 'Stalking and harassment'),
  // Serious Crime Act 2015 s.76, in force 29 December 2015.
  code('8U', 'Controlling or coercive behaviour', 'Stalking and harassment', { from: '2015-12-29' }),

  // --- Sexual offences: rape ---
  code('19C', 'Rape of a female aged 16 and over', 'Rape', { from: SOA_2003 }),
  code('19D', 'Rape of a female child under 16', 'Rape', { from: SOA_2003 }),
  code('19E', 'Rape of a female child under 13', 'Rape', { from: SOA_2003 }),
  code('19F', 'Rape of a male aged 16 and over', 'Rape', { from: SOA_2003 }),
  code('19G', 'Rape of a male child under 16', 'Rape', { from: SOA_2003 }),
  code('19H', 'Rape of a male child under 13', 'Rape', { from: SOA_2003 }),

  // --- Sexual offences: other sexual offences ---
  code('17A', 'Sexual assault on a male aged 13 and over', 'Other sexual offences'),
  code('17B', 'Sexual assault on a male child under 13', 'Other sexual offences'),
  code('20A', 'Sexual assault on a female aged 13 and over', 'Other sexual offences'),
  code('20B', 'Sexual assault on a female child under 13', 'Other sexual offences'),
  code('21', 'Sexual activity involving a child under 13', 'Other sexual offences'),
  code('22A', 'Causing sexual activity without consent', 'Other sexual offences'),
  code('22B', 'Sexual activity involving a child under 16', 'Other sexual offences'),
  code('23', 'Incest or familial sexual offences', 'Other sexual offences'),
  code('70', 'Sexual activity etc. with a person with a mental disorder', 'Other sexual offences'),
  code('71', 'Abuse of children through sexual exploitation', 'Other sexual offences'),
  code('72', 'Trafficking for sexual exploitation', 'Other sexual offences'),
  code('73', 'Abuse of position of trust of a sexual nature', 'Other sexual offences'),
  code('88A', 'Sexual grooming', 'Other sexual offences'),
  code('88C', 'Other miscellaneous sexual offences', 'Other sexual offences'),
  code('88D', 'Unnatural sexual offences', 'Other sexual offences'),
  code('88E', 'Exposure and voyeurism', 'Other sexual offences'),

  // --- Robbery ---
  code('34A', 'Robbery of business property', 'Robbery'),
  code('34B', 'Robbery of personal property', 'Robbery'),

  // --- Theft offences: burglary (old codes kept for outcomes on older crimes) ---
  code('28A', 'Burglary in a dwelling', 'Theft offences', { to: BURGLARY_2017, modern: '28E' }),
  code('28B', 'Attempted burglary in a dwelling', 'Theft offences', { to: BURGLARY_2017, modern: '28F' }),
  code('28C', 'Distraction burglary in a dwelling', 'Theft offences', { to: BURGLARY_2017, modern: '28G' }),
  code('28D', 'Attempted distraction burglary in a dwelling', 'Theft offences', {
    to: BURGLARY_2017,
    modern: '28H',
  }),
  code('28E', 'Burglary - residential', 'Theft offences', { from: BURGLARY_2017 }),
  code('28F', 'Attempted burglary - residential', 'Theft offences', { from: BURGLARY_2017 }),
  code('28G', 'Distraction burglary - residential', 'Theft offences', { from: BURGLARY_2017 }),
  code('28H', 'Attempted distraction burglary - residential', 'Theft offences', { from: BURGLARY_2017 }),
  code('29', 'Aggravated burglary in a dwelling', 'Theft offences', { to: BURGLARY_2017, modern: '29A' }),
  code('29A', 'Aggravated burglary - residential', 'Theft offences', { from: BURGLARY_2017 }),
  code('30A', 'Burglary in a building other than a dwelling', 'Theft offences', {
    to: BURGLARY_2017,
    modern: '30C',
  }),
  code('30B', 'Attempted burglary in a building other than a dwelling', 'Theft offences', {
    to: BURGLARY_2017,
    modern: '30D',
  }),
  code('30C', 'Burglary - business and community', 'Theft offences', { from: BURGLARY_2017 }),
  code('30D', 'Attempted burglary - business and community', 'Theft offences', { from: BURGLARY_2017 }),
  code('31', 'Aggravated burglary in a building other than a dwelling', 'Theft offences', {
    to: BURGLARY_2017,
    modern: '31A',
  }),
  code('31A', 'Aggravated burglary - business and community', 'Theft offences', { from: BURGLARY_2017 }),

  // --- Theft offences: vehicle offences and other theft ---
  code('35', 'Blackmail', 'Theft offences'),
  code('37/2', 'Aggravated vehicle taking', 'Theft offences'),
  code('39', 'Theft from the person', 'Theft offences'),
  code('40', 'Theft in a dwelling other than from an automatic machine or meter', 'Theft offences'),
  code('41', 'Theft by an employee', 'Theft offences'),
  code('42', 'Theft of mail', 'Theft offences'),
  code('43', 'Dishonest use of electricity', 'Theft offences'),
  code('44', 'Theft or unauthorised taking of a pedal cycle', 'Theft offences'),
  code('45', 'Theft from a vehicle', 'Theft offences'),
  code('46', 'Shoplifting', 'Theft offences'),
  code('47', 'Theft from an automatic machine or meter', 'Theft offences'),
  code('48', 'Theft or unauthorised taking of a motor vehicle', 'Theft offences'),
  code('49', 'Other theft', 'Theft offences'),
  code('49A', 'Making off without payment', 'Theft offences'),
  code('126', 'Interfering with a motor vehicle', 'Theft offences'),

  // --- Criminal damage and arson ---
  code('56A', 'Arson endangering life', 'Criminal damage and arson'),
  code('56B', 'Arson not endangering life', 'Criminal damage and arson'),
  // Class 57 appears in force offence-code lists (05700); not in the ONS 2017/18 hierarchy.
  code('57', 'Criminal damage endangering life', 'Criminal damage and arson'),
  code('58A', 'Criminal damage to a dwelling', 'Criminal damage and arson'),
  code('58B', 'Criminal damage to a building other than a dwelling', 'Criminal damage and arson'),
  code('58C', 'Criminal damage to a vehicle', 'Criminal damage and arson'),
  code('58D', 'Other criminal damage', 'Criminal damage and arson'),
  code('58J', 'Racially or religiously aggravated criminal damage', 'Criminal damage and arson'),

  // --- Drug offences ---
  code('92A', 'Trafficking in controlled drugs', 'Drug offences'),
  code('92C', 'Other drug offences', 'Drug offences'),
  code('92D', 'Possession of controlled drugs (excluding cannabis)', 'Drug offences'),
  code('92E', 'Possession of controlled drugs (cannabis)', 'Drug offences'),

  // --- Possession of weapons offences ---
  code('10A', 'Possession of firearms with intent', 'Possession of weapons offences'),
  code('10B', 'Possession of firearms offences', 'Possession of weapons offences'),
  code('10C', 'Possession of other weapons', 'Possession of weapons offences'),
  code('10D', 'Possession of article with blade or point', 'Possession of weapons offences'),
  code('81', 'Other firearms offences', 'Possession of weapons offences'),
  code('90', 'Other knives offences', 'Possession of weapons offences'),

  // --- Public order offences ---
  code('9A', 'Public fear, alarm or distress', 'Public order offences'),
  code('9B', 'Racially or religiously aggravated public fear, alarm or distress', 'Public order offences'),
  code('62A', 'Violent disorder', 'Public order offences'),
  code('66', 'Other offences against the State or public order', 'Public order offences'),

  // --- Miscellaneous crimes against society ---
  code('15', 'Concealing an infant death close to birth', 'Miscellaneous crimes against society'),
  code('24', 'Exploitation of prostitution', 'Miscellaneous crimes against society'),
  code('26', 'Bigamy', 'Miscellaneous crimes against society'),
  code('27', 'Soliciting for the purposes of prostitution', 'Miscellaneous crimes against society'),
  code('33', 'Going equipped for stealing, etc.', 'Miscellaneous crimes against society'),
  code('33A', 'Making, supplying or possessing articles for use in fraud', 'Miscellaneous crimes against society'),
  code('38', 'Profiting from or concealing knowledge of the proceeds of crime', 'Miscellaneous crimes against society'),
  code('54', 'Handling stolen goods', 'Miscellaneous crimes against society'),
  code('59', 'Threat or possession with intent to commit criminal damage', 'Miscellaneous crimes against society'),
  code('60', 'Forgery or use of false drug prescription', 'Miscellaneous crimes against society'),
  code('61', 'Other forgery', 'Miscellaneous crimes against society'),
  code('61A', 'Possession of false documents', 'Miscellaneous crimes against society'),
  code('67', 'Perjury', 'Miscellaneous crimes against society'),
  code('69', 'Offender Management Act offences', 'Miscellaneous crimes against society'),
  code('76', 'Aiding suicide', 'Miscellaneous crimes against society'),
  code('79', 'Perverting the course of justice', 'Miscellaneous crimes against society'),
  code('80', 'Absconding from lawful custody', 'Miscellaneous crimes against society'),
  code('83', 'Bail offences', 'Miscellaneous crimes against society'),
  code('86', 'Obscene publications etc.', 'Miscellaneous crimes against society'),
  code('95', 'Disclosure, obstruction, false or misleading statements etc.', 'Miscellaneous crimes against society'),
  code('96', 'Wildlife crime', 'Miscellaneous crimes against society'),
  code('99', 'Other notifiable offences', 'Miscellaneous crimes against society'),
  code('802', 'Dangerous driving', 'Miscellaneous crimes against society'),
  code('814', 'Fraud, forgery etc. associated with vehicle or driver records', 'Miscellaneous crimes against society'),
]);

/** True when the code was in use on the given ISO date (validTo is an exclusive end). */
export function hocrCodeValidOn(entry: HocrCode, isoDate: string): boolean {
  if (entry.validFrom !== null && isoDate < entry.validFrom) return false;
  if (entry.validTo !== null && isoDate >= entry.validTo) return false;
  return true;
}
