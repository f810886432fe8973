/**
 * What every screen knows once someone is logged in: who they are, what they may do, the catalog
 * (names of centers, services and topics) and the people an item can be assigned to.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { label, pick, t } from './i18n';
import type { Catalog, Me, StaffMember } from './types';

export interface Session {
  user: Me['user'];
  catalog: Catalog;
  /** Active users other than analysts (empty for analysts, who cannot assign). */
  staff: StaffMember[];
  /** Whether the role may change feedback (everyone but analysts). */
  canAct: boolean;
  isAdmin: boolean;
  /** Reloads the staff list (after an admin changed users). */
  refreshStaff(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a logged-in shell');
  return s;
}

/** Names from the catalog; a code the catalog does not know shows as itself. */
export function catalogNames(catalog: Catalog) {
  const find = (list: { code: string; name: { lo: string; en: string } }[], code: string | null) =>
    code == null ? t('unknown') : pick(list.find((x) => x.code === code)?.name) || code;
  return {
    center: (code: string | null) => find(catalog.centers, code),
    service: (code: string | null) => find(catalog.services, code),
    topic: (code: string | null) => find(catalog.topics, code),
    kind: (code: string | null) => label('kind', code),
  };
}

const ODSC_PREFIX_LO = /^ສູນບໍລິການຜ່ານປະຕູດຽວ\s*/;
const ODSC_SUFFIX_EN = /\s*(provincial\s+)?ODSC$/i;

/** Provinces as the catalog's province-level centers name them ("ນະຄອນຫຼວງວຽງຈັນ"). */
export function provinces(catalog: Catalog): { code: string; name: string }[] {
  const codes = [...new Set(catalog.centers.map((c) => c.province))].sort();
  return codes.map((code) => {
    const c = catalog.centers.find((x) => x.level === 'province' && x.province === code);
    const name = c
      ? pick({
          lo: c.name.lo.replace(ODSC_PREFIX_LO, ''),
          en: c.name.en.replace(ODSC_SUFFIX_EN, ''),
        })
      : code;
    return { code, name: name || code };
  });
}
