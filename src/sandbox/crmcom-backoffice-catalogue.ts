import { randomUUID } from 'node:crypto';
import type { SandboxJournal } from './sandbox-journal';

/**
 * The back-office sandbox's products and its asynchronous product synchronisation
 * (vendor-docs/crmcom-v2-pos-ecommerce.txt, Product Synchronization: "call POST /synchronise_products
 * to create or update any group of products ... On successful request of such action, CRM.COM
 * returns back a unique process id that can be used for monitoring the progress of such action").
 *
 * Readings where the guide is silent (each a sandbox choice, not CRM.COM's word):
 * - The monitoring call is `GET /synchronise_products/{id}`: the guide names no endpoint (nor does
 *   vendors.md); the process is the resource the POST created, so its id is read back under it.
 * - The process runs PROCESSING_MS after it is accepted, then reports `status` `COMPLETED` with
 *   `processed_products [{sku, id}]` and `unprocessed_products [{sku, error_code, error_description}]`
 *   (the legacy API's processed/unprocessed sets, vendors.md §1.1, in the new API's snake_case);
 *   before that `IN_PROGRESS` and no lists.
 * - A product naming a family or brand the catalogue does not have is unprocessed, as the legacy
 *   document prints for its unknown 'Iced Coffee' family (NotFound); the others are created or
 *   updated. Families and brands are not synchronised here: the seed has DRINKS and FOOD, HOUSE.
 */
const PROCESSING_MS = 500;
const NOT_FOUND = 'CRM.EXCEPTIONS.NOTFOUNDEXCEPTION';
const VENDOR = 'crmcom';

export interface SyncedProduct {
  sku: string;
  alternative_code?: string;
  description?: string;
  family_code?: string;
  brand_code?: string;
}

interface Process {
  id: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  processed: Array<{ sku: string; id: string }>;
  unprocessed: Array<{ sku: string; error_code: string; error_description: string }>;
}

export class BackofficeCatalogue {
  private products = new Map<string, SyncedProduct & { id: string }>();
  private families = new Set<string>();
  private brands = new Set<string>();
  private processes = new Map<string, Process>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly journal: SandboxJournal) {
    this.reset();
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.processes = new Map();
    this.products = new Map(['Soft Drinks', 'Sandwiches'].map((sku) => [sku, { sku, description: sku, id: randomUUID() }]));
    this.families = new Set(['DRINKS', 'FOOD']);
    this.brands = new Set(['HOUSE']);
  }

  has(sku: string): boolean {
    return this.products.has(sku);
  }

  /** Accepts the request and answers its process id at once; the products change when the process runs. */
  accept(products: SyncedProduct[]): string {
    const process: Process = { id: randomUUID(), status: 'IN_PROGRESS', processed: [], unprocessed: [] };
    this.processes.set(process.id, process);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(process, products);
    }, PROCESSING_MS);
    timer.unref();
    this.timers.add(timer);
    return process.id;
  }

  /** The process's progress, or undefined for an id CRM.COM never gave. */
  status(id: string) {
    const process = this.processes.get(id);
    if (!process) return undefined;
    if (process.status === 'IN_PROGRESS') return { id, status: process.status };
    return { id, status: process.status, processed_products: process.processed, unprocessed_products: process.unprocessed };
  }

  /** Upsert by sku; an unchanged product is no effect, so a resent batch journals nothing new. */
  private run(process: Process, products: SyncedProduct[]): void {
    for (const p of products) {
      const missing = p.family_code !== undefined && !this.families.has(p.family_code)
        ? `product family ${p.family_code}`
        : p.brand_code !== undefined && !this.brands.has(p.brand_code)
          ? `product brand ${p.brand_code}`
          : undefined;
      if (missing) {
        process.unprocessed.push({ sku: p.sku, error_code: NOT_FOUND, error_description: `Record not found: ${missing}.` });
        continue;
      }
      const next: SyncedProduct = { sku: p.sku, alternative_code: p.alternative_code, description: p.description, family_code: p.family_code, brand_code: p.brand_code };
      const existing = this.products.get(p.sku);
      const id = existing?.id ?? randomUUID();
      if (JSON.stringify({ ...existing, id: undefined }) !== JSON.stringify({ ...next, id: undefined })) {
        this.products.set(p.sku, { ...next, id });
        this.journal.add({ vendor: VENDOR, effect: 'products.synchronise', reference: p.sku, vendorReference: process.id });
      }
      process.processed.push({ sku: p.sku, id });
    }
    process.status = 'COMPLETED';
  }
}
