/**
 * Google Calendar: free slots for a consultation, bookings that never double-book, reschedule and
 * cancel. Off until `GOOGLE_SERVICE_ACCOUNT_FILE` and `GOOGLE_CALENDAR_ID` are set; scheduling settings
 * come from the sales configuration's `calendar:` section ({@link calendarSettingsSchema}).
 */
export {
  bookingEventId,
  type BookingRequest,
  type BookingResult,
  bookSlot,
  cancelBooking,
  type CancelResult,
  findFreeSlots,
  LEAD_PROPERTY,
  rescheduleBooking,
  subtractInterval,
  type RescheduleResult,
} from './booking.js';
export {
  CALENDAR_SCOPES,
  CalendarApiError,
  type CalendarClient,
  type CalendarClientOptions,
  type CalendarErrorKind,
  type CalendarEvent,
  createCalendarClient,
  type EventDraft,
  openCalendarClient,
} from './client.js';
export {
  type CalendarEnvConfig,
  calendarEnvConfig,
  calendarEnvSchema,
  type CalendarSettings,
  calendarSettingsSchema,
  loadServiceAccountKey,
  type ServiceAccountKey,
  ServiceAccountKeyError,
} from './config.js';
export { computeFreeSlots, type Interval, isSlotFree, type Slot, slotSearchWindow } from './slots.js';
export { toRfc3339 } from '../../lib/zoned-time.js';
