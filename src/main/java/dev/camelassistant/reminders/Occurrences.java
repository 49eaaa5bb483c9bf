package dev.camelassistant.reminders;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * When a repeating reminder fires next, in the assistant's time zone (ASSISTANT_TIMEZONE). Every
 * occurrence is computed from the anchor (the time first asked for), not from the previous one, so
 * it keeps the anchor's local wall-clock time across daylight-saving changes, and a monthly one keeps
 * the anchor's day of month: the 31st fires on the 30th in April (clamped) and on the 31st again in May.
 * A local time that a DST change skips fires at the same offset after the gap (02:30 → 03:30); one that
 * happens twice fires at its first (earlier-offset) instance.
 */
public final class Occurrences {

    private Occurrences() {
    }

    /**
     * The first occurrence of the reminder anchored at {@code anchor} that is strictly after {@code after};
     * for a one-off reminder (repeat null) there is none: null.
     */
    public static Instant nextAfter(Instant anchor, Repeat repeat, Instant after, ZoneId zone) {
        if (repeat == null) {
            return null;
        }
        ZonedDateTime a = anchor.atZone(zone);
        LocalDateTime local = a.toLocalDateTime();
        long start = Math.max(0, stepsBetween(a, after.atZone(zone), repeat) - 1);
        for (long n = start; ; n++) {
            LocalDateTime candidate = step(local, repeat, n);
            if (!repeat.firesOn(candidate.toLocalDate())) {
                continue;
            }
            Instant at = ZonedDateTime.of(candidate, zone).toInstant();
            if (at.isAfter(after)) {
                return at;
            }
        }
    }

    /**
     * The first time at or after {@code at} the reminder may fire: {@code at} itself, except for a
     * weekdays reminder asked for on a Saturday or Sunday (then the Monday after, at the same local time).
     */
    public static Instant firstAtOrAfter(Instant at, Repeat repeat, ZoneId zone) {
        if (repeat == null || repeat.firesOn(at.atZone(zone).toLocalDate())) {
            return at;
        }
        return nextAfter(at, repeat, at, zone);
    }

    /** The anchor's local date-time {@code n} steps on (days for daily and weekdays, weeks, or months clamped). */
    private static LocalDateTime step(LocalDateTime anchor, Repeat repeat, long n) {
        return switch (repeat) {
            case DAILY, WEEKDAYS -> anchor.plusDays(n);
            case WEEKLY -> anchor.plusWeeks(n);
            case MONTHLY -> anchor.plusMonths(n);
        };
    }

    /** Whole steps from the anchor's local date to {@code to}'s (0 when {@code to} is before it): where to start looking. */
    private static long stepsBetween(ZonedDateTime anchor, ZonedDateTime to, Repeat repeat) {
        LocalDate from = anchor.toLocalDate();
        LocalDate until = to.toLocalDate();
        if (!until.isAfter(from)) {
            return 0;
        }
        return switch (repeat) {
            case DAILY, WEEKDAYS -> ChronoUnit.DAYS.between(from, until);
            case WEEKLY -> ChronoUnit.WEEKS.between(from, until);
            case MONTHLY -> ChronoUnit.MONTHS.between(from.withDayOfMonth(1), until.withDayOfMonth(1));
        };
    }
}
