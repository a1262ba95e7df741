import Database from 'better-sqlite3';
import { AppError } from '../../errors';
import { bool, text, type Loose } from './kuma-fields';
import { kumaMonitorFrom } from './kuma-json';
import { mapKuma, type KumaData, type KumaNotification, type KumaStatusPage } from './kuma-map';
import type { ImportResult } from './report';

/**
 * Uptime Kuma's own database (`data/kuma.db`, 1.x or 2.x on SQLite), opened read-only: Kuma may still be running
 * on it, and an import must never change the tool being left. Tables added in later Kuma versions are read when
 * they are there (status pages, their domains, tags).
 */

function invalid(message: string): AppError {
  return new AppError('validation', `Invalid Kuma database: ${message}`, { file: message });
}

export function readKumaDb(file: string): KumaData {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw invalid(`cannot be opened (${(err as Error).message})`);
  }
  try {
    let names: { name: string }[];
    try {
      names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    } catch (err) {
      throw invalid(`is not an SQLite database (${(err as Error).message})`);
    }
    const tables = new Set(names.map((t) => t.name));
    if (!tables.has('monitor')) throw invalid('has no monitor table; is it the kuma.db from Uptime Kuma\'s data folder?');
    const all = (sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as Loose[];

    const notificationsOf = new Map<number, number[]>();
    if (tables.has('monitor_notification')) {
      for (const r of all('SELECT monitor_id, notification_id FROM monitor_notification ORDER BY id')) {
        const list = notificationsOf.get(Number(r.monitor_id)) ?? [];
        list.push(Number(r.notification_id));
        notificationsOf.set(Number(r.monitor_id), list);
      }
    }
    const tagsOf = new Map<number, { name: string; value: string }[]>();
    if (tables.has('monitor_tag') && tables.has('tag')) {
      for (const r of all('SELECT mt.monitor_id, t.name, mt.value FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id ORDER BY mt.id')) {
        const list = tagsOf.get(Number(r.monitor_id)) ?? [];
        list.push({ name: String(r.name), value: String(r.value ?? '') });
        tagsOf.set(Number(r.monitor_id), list);
      }
    }
    const monitors = all('SELECT * FROM monitor ORDER BY id').map((row, i) => {
      const id = Number(row.id);
      const ids = Object.fromEntries((notificationsOf.get(id) ?? []).map((n) => [n, true]));
      return kumaMonitorFrom({ ...row, notificationIDList: ids, tags: tagsOf.get(id) ?? [] }, i);
    });

    const notifications: KumaNotification[] = tables.has('notification')
      ? all('SELECT * FROM notification ORDER BY id').map((r) => {
          let config: Loose = {};
          try {
            const parsed: unknown = JSON.parse(text(r, 'config') ?? '{}');
            if (parsed !== null && typeof parsed === 'object') config = parsed as Loose;
          } catch {
            // Left empty: reported as a notification of an unknown type.
          }
          return {
            id: Number(r.id),
            name: text(r, 'name') ?? `notification ${String(r.id)}`,
            active: r.active === null || r.active === undefined ? true : bool(r, 'active'),
            isDefault: bool(r, 'is_default'),
            config,
          };
        })
      : [];

    return { monitors, notifications, statusPages: tables.has('status_page') ? readStatusPages(all, tables) : [] };
  } finally {
    db.close();
  }
}

function readStatusPages(all: (sql: string, ...args: unknown[]) => Loose[], tables: Set<string>): KumaStatusPage[] {
  const hasGroups = tables.has('group') && tables.has('monitor_group');
  return all('SELECT * FROM status_page ORDER BY id').map((p) => {
    const id = Number(p.id);
    const groups = hasGroups
      ? all('SELECT id, name FROM "group" WHERE status_page_id = ? ORDER BY weight, id', id).map((g) => ({
          name: text(g, 'name') ?? '',
          monitorIds: all('SELECT monitor_id FROM monitor_group WHERE group_id = ? ORDER BY weight, id', g.id).map((r) =>
            Number(r.monitor_id),
          ),
        }))
      : [];
    const domains = tables.has('status_page_cname')
      ? all('SELECT domain FROM status_page_cname WHERE status_page_id = ?', id).map((r) => String(r.domain))
      : [];
    return {
      slug: text(p, 'slug') ?? String(id),
      title: text(p, 'title') ?? text(p, 'slug') ?? `page ${id}`,
      description: text(p, 'description'),
      published: p.published === null || p.published === undefined ? true : bool(p, 'published'),
      hasPassword: (text(p, 'password') ?? '') !== '',
      customCss: text(p, 'custom_css'),
      footerText: text(p, 'footer_text'),
      domains,
      groups,
    };
  });
}

export function importKumaDb(file: string): ImportResult {
  return mapKuma(readKumaDb(file));
}

