/**
 * The role-scope builder: who sees which feedback and who may do what. Every staff query filters
 * with scopeOf/inScope, so a slip here shows one center's complaints to another center's manager.
 */
import { can, inScope, provinceOf, ROLES, scopeOf, type Ability } from '../../shared/staff/roles';

describe('scopeOf', () => {
  test('a center manager reaches exactly their own centers', () => {
    const scope = scopeOf({ role: 'center_manager', centers: ['LA-VT-XAYSETHA', 'LA-LP'] });
    expect(scope.all).toBe(false);
    if (scope.all) throw new Error('unreachable');
    expect([...scope.centers].sort()).toEqual(['LA-LP', 'LA-VT-XAYSETHA']);
  });

  test.each(['admin', 'taskforce', 'analyst'] as const)(
    '%s reaches all centers, whatever centers the account lists',
    (role) => {
      expect(scopeOf({ role, centers: ['LA-LP'] })).toEqual({ all: true });
      expect(scopeOf({ role, centers: [] })).toEqual({ all: true });
    },
  );

  test('a center manager with no centers reaches nothing, not everything', () => {
    const scope = scopeOf({ role: 'center_manager', centers: [] });
    expect(scope.all).toBe(false);
    expect(['LA-VT', 'LA-LP', null, undefined, ''].map((c) => inScope(scope, c))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('inScope', () => {
  const manager = scopeOf({ role: 'center_manager', centers: ['LA-VT-XAYSETHA'] });
  const all = scopeOf({ role: 'taskforce', centers: [] });

  test('a manager sees their center and no other, not even the province center above it', () => {
    expect(inScope(manager, 'LA-VT-XAYSETHA')).toBe(true);
    expect(inScope(manager, 'LA-VT')).toBe(false);
    expect(inScope(manager, 'LA-VT-SISATTANAK')).toBe(false);
    expect(inScope(manager, 'la-vt-xaysetha')).toBe(false); // codes are exact
  });

  test('feedback whose center is not known yet is for all-center roles only', () => {
    for (const unknown of [null, undefined, '']) {
      expect(inScope(manager, unknown)).toBe(false);
      expect(inScope(all, unknown)).toBe(true);
    }
    expect(inScope(all, 'LA-LP')).toBe(true);
  });
});

describe('can', () => {
  const ABILITIES: Ability[] = ['read', 'act', 'contact', 'admin'];
  const table = (role: (typeof ROLES)[number]) => ABILITIES.filter((a) => can(role, a));

  test('each role has exactly its abilities', () => {
    expect(Object.fromEntries(ROLES.map((r) => [r, table(r)]))).toEqual({
      admin: ['read', 'act', 'contact', 'admin'],
      taskforce: ['read', 'act', 'contact'],
      center_manager: ['read', 'act', 'contact'],
      analyst: ['read'],
    });
  });

  test('the four roles, in this order', () => {
    expect(ROLES).toEqual(['admin', 'taskforce', 'center_manager', 'analyst']);
  });
});

describe('provinceOf', () => {
  test.each([
    ['LA-VT-XAYSETHA', 'LA-VT'],
    ['LA-VT', 'LA-VT'],
    ['LA-LP-LUANGPRABANG', 'LA-LP'],
  ])('%s is in %s', (center, province) => {
    expect(provinceOf(center)).toBe(province);
  });

  test('no center, no province', () => {
    expect(provinceOf(null)).toBeNull();
    expect(provinceOf(undefined)).toBeNull();
    expect(provinceOf('')).toBeNull();
  });
});
