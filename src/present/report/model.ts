/**
 * A report as data: what a pack says, independent of how it is rendered. The HTML renderer (and the
 * PDF printed from that HTML) and the XLSX writer read this one model, so every format shows the same
 * figures. Builders (weekly, monthly, quarterly, SNA, ISTV taskforce) fill it from the analysis layer;
 * they never format numbers for a particular output.
 */
import type { EChartsOption } from 'echarts';

export type ReportKind = 'weekly' | 'monthly' | 'quarterly' | 'sna' | 'istv';

/** Circulation decides disclosure control: anything but `internal` is suppressed (see core/disclosure). */
export type Circulation = 'internal' | 'partner' | 'public';

export interface ReportSource {
  /** e.g. "police", "police-uk", "istv". */
  source: string;
  label: string;
  /** Last date covered by the loaded data (ISO date), or null when none is loaded. */
  dataTo: string | null;
}

export interface ReportMeta {
  kind: ReportKind;
  title: string;
  /** Human period label, e.g. "July 2021", "2021 Q3", "Week 27 2021 (5–11 July)". */
  periodLabel: string;
  /** Inclusive ISO dates the pack covers. */
  from: string;
  to: string;
  area: { code: string; name: string } | null;
  definition: { id: string; version: number; name: string } | null;
  sources: ReportSource[];
  /** ISO timestamp; pinned in tests. */
  generatedAt: string;
  circulation: Circulation;
  /** e.g. "police-uk data used as a proxy for police records", "Demo data: synthetic". */
  labels: string[];
}

export type Cell = string | number | null;

export interface TableColumn {
  key: string;
  label: string;
  /** Drives number formats in HTML and XLSX. */
  type: 'text' | 'integer' | 'decimal' | 'percent' | 'rate' | 'date';
  /** Decimal places for decimal/percent/rate. */
  digits?: number;
}

export interface ReportTable {
  /** Stable id: HTML anchor and XLSX sheet name source. */
  id: string;
  title: string;
  columns: TableColumn[];
  /** Suppressed counts arrive as the string '*'. */
  rows: Record<string, Cell>[];
  notes?: string[];
}

export interface KeyFigure {
  label: string;
  value: string;
  /** Plain-English verdict sentence (never overstating). */
  sentence?: string;
  tone?: 'improvement' | 'concern' | 'neutral';
}

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'figures'; figures: KeyFigure[] }
  | { type: 'table'; table: ReportTable }
  /** A chart always carries the table it is drawn from (its accessible alternative and its XLSX sheet). */
  | { type: 'chart'; id: string; title: string; option: EChartsOption; table: ReportTable; height?: number }
  | { type: 'list'; items: string[] }
  | { type: 'caveats'; items: string[] };

export interface ReportSection {
  id: string;
  title: string;
  blocks: Block[];
  /** Start on a new page in print. */
  pageBreakBefore?: boolean;
}

export interface ReportDocument {
  meta: ReportMeta;
  sections: ReportSection[];
  /** GeoJSON FeatureCollections by the map name chart options use (registered before rendering). */
  maps?: Record<string, object>;
}

/** What a builder needs: the one set of options every pack kind takes. */
export interface ReportOptions {
  kind: ReportKind;
  /** As given on the command line: 2021-W27 (weekly), 2021-07 (monthly, istv), 2021Q3 (quarterly), 2021 (sna). */
  period: string;
  /** LAD or CSP code; null = the whole loaded area. */
  area: string | null;
  /** Definition id; null = the current default definition. */
  definition: string | null;
  source: 'police' | 'police-uk';
  circulation: Circulation;
  /** "Now" for the cover and for relative rules; pinned in tests. */
  now: Date;
  /** Baseline period (any period syntax, e.g. FY2019/20); default: the first complete financial year of data. */
  baseline?: string | null;
}
