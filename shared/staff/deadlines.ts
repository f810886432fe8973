/**
 * When a complaint is due: COMPLAINT_SLA_DAYS working days after it was received (or the service's
 * own figure from SLA_DAYS_BY_SERVICE), on the Lao working calendar — weekends and the official
 * holidays shipped in lao-holidays.json, plus PUBLIC_HOLIDAYS. Only complaints have a due date.
 */
import type { Config } from '../config';
import {
  createWorkingCalendar,
  defaultHolidays,
  parseHolidayList,
  type WorkingCalendar,
} from './working-days';

export class Deadlines {
  readonly calendar: WorkingCalendar;

  constructor(
    private readonly defaultDays: number,
    private readonly byService: Record<string, number>,
    extraHolidays: string[] = [],
  ) {
    this.calendar = createWorkingCalendar({ holidays: [...defaultHolidays(), ...extraHolidays] });
  }

  static fromConfig(
    config: Pick<Config, 'complaintSlaDays' | 'slaDaysByService' | 'extraHolidays'>,
  ) {
    return new Deadlines(
      config.complaintSlaDays,
      config.slaDaysByService,
      config.extraHolidays ? parseHolidayList(config.extraHolidays) : [],
    );
  }

  /** Working days a complaint about this service has. */
  daysFor(serviceCode: string | null | undefined): number {
    return (serviceCode && this.byService[serviceCode]) || this.defaultDays;
  }

  /** The due moment of a complaint, or undefined for any other kind. */
  dueAt(
    receivedAt: Date,
    kind: string | null | undefined,
    serviceCode: string | null | undefined,
  ): Date | undefined {
    if (kind !== 'complaint') return undefined;
    return this.calendar.addWorkingDays(receivedAt, this.daysFor(serviceCode));
  }
}
