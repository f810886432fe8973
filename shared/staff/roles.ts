/**
 * Staff roles and the one place where a person's reach over feedback is decided (the scope).
 * Every staff query — list, counts, item, export, action — asks `scopeOf(user)` and filters with
 * `inScope`; handlers never check centers themselves.
 */
export const ROLES = ['admin', 'taskforce', 'center_manager', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** What a signed-in staff member is, as the session and the handlers see it. */
export interface StaffPrincipal {
  id: string;
  email: string;
  role: Role;
  centers: string[];
}

/** All centers (and feedback whose center is not known yet), or only these centers. */
export type Scope = { all: true } | { all: false; centers: ReadonlySet<string> };

export function scopeOf(user: Pick<StaffPrincipal, 'role' | 'centers'>): Scope {
  if (user.role === 'center_manager') return { all: false, centers: new Set(user.centers) };
  return { all: true };
}

/** Whether feedback of this center is visible to the scope (unknown centers: all-center roles only). */
export function inScope(scope: Scope, centerCode: string | null | undefined): boolean {
  if (scope.all) return true;
  return !!centerCode && scope.centers.has(centerCode);
}

/** The abilities each role has; a route names the ability it needs, not the roles. */
export type Ability =
  | 'read' // queue, items, counts, catalog
  | 'act' // triage, status, assign, notes, replies, corrections
  | 'contact' // the citizen's number in full
  | 'admin'; // users, audit, devices

const ABILITIES: Record<Role, readonly Ability[]> = {
  admin: ['read', 'act', 'contact', 'admin'],
  taskforce: ['read', 'act', 'contact'],
  center_manager: ['read', 'act', 'contact'],
  analyst: ['read'],
};

export function can(role: Role, ability: Ability): boolean {
  return ABILITIES[role].includes(ability);
}

/** A center code's province: the ISO 3166-2 part (`LA-VT-XAYSETHA` → `LA-VT`). */
export function provinceOf(centerCode: string | null | undefined): string | null {
  if (!centerCode) return null;
  return centerCode.split('-').slice(0, 2).join('-');
}
