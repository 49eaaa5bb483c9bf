package dev.camelassistant.reminders;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How reminder times are shown: local in ASSISTANT_TIMEZONE ("Mon 7 Dec 09:00"), the year only when it is not this one. */
public final class ReminderTimes {

    private static final DateTimeFormatter THIS_YEAR = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter OTHER_YEAR = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private ReminderTimes() {
    }

    /** "Mon 7 Dec 09:00" (or "Tue 7 Dec 2027 09:00" in another year than {@code now}'s). */
    public static String local(Instant at, Instant now, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return (t.getYear() == now.atZone(zone).getYear() ? THIS_YEAR : OTHER_YEAR).format(t);
    }

    /** Only "09:00" when {@code at} is on {@code now}'s local date, else {@link #local}. */
    public static String sameDayShort(Instant at, Instant now, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return t.toLocalDate().equals(now.atZone(zone).toLocalDate()) ? TIME.format(t) : local(at, now, zone);
    }

    /** The ISO-8601 time with the zone's offset, as Claude gives it ("2026-12-07T09:00:00+01:00"). */
    public static String iso(Instant at, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atZone(zone).toOffsetDateTime());
    }
}
