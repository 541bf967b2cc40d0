/** Which builder makes each kind of pack. The SNA and ISTV taskforce packs are built in sna.ts and istv.ts. */
import type { ReportKind } from './model.js';
import { buildMonthlyReport, buildQuarterlyReport, buildWeeklyReport, type ReportBuilder } from './packs.js';
import { buildSnaReport } from './sna.js';
import { buildIstvReport } from './istv.js';

export const REPORT_BUILDERS: Record<ReportKind, ReportBuilder> = {
  weekly: buildWeeklyReport,
  monthly: buildMonthlyReport,
  quarterly: buildQuarterlyReport,
  sna: buildSnaReport,
  istv: buildIstvReport,
};
