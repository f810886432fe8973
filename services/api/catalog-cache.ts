/**
 * The api's view of the catalog: read from the database, refreshed every minute so centers added
 * by admins appear without a restart, and served stale (rather than failing) when a refresh fails.
 * While the database has never answered (the api starts without it), the shipped seed catalog
 * serves, so intake keeps working on Redis alone.
 */
import { loadCatalogView, seedCatalogView, type CatalogView } from '../../shared/catalog/catalog';
import { Errors } from '../../shared/errors';
import type { CatalogModels } from '../../shared/models/catalog.model';

export class CatalogCache {
  private view: CatalogView | null = null;
  private loadedAt = 0;
  private loading: Promise<CatalogView> | null = null;

  constructor(
    private readonly models: CatalogModels,
    private readonly ttlMs = 60_000,
  ) {}

  async get(): Promise<CatalogView> {
    const fresh = this.view && Date.now() - this.loadedAt < this.ttlMs;
    if (fresh) return this.view!;
    // Not connected: answer from what we have instead of waiting for the database to time out.
    if (this.models.Center.db.readyState !== 1) return this.view ?? seedCatalogView();
    this.loading ??= loadCatalogView(this.models)
      .then((v) => {
        this.view = v;
        this.loadedAt = Date.now();
        return v;
      })
      .finally(() => {
        this.loading = null;
      });
    try {
      return await this.loading;
    } catch {
      if (this.view) return this.view;
      throw Errors.unavailable('The catalog');
    }
  }

  /** Forget the cached view (after an admin change). */
  invalidate(): void {
    this.loadedAt = 0;
  }
}
