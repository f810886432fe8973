/**
 * What GET /api/v1/reports/overview answers, as the dashboard reads it: the return type of
 * Figures.overview (shared/reports/figures.ts) itself, so the screen follows the API's shape.
 * A type-only import: nothing of the server's code enters the bundle.
 */
import type { Figures } from '../../../shared/reports/figures';

export type Overview = Awaited<ReturnType<Figures['overview']>>;
export type OverviewSummary = Overview['summary'];
