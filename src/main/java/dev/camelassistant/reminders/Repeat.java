package dev.camelassistant.reminders;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Locale;

/** How a reminder repeats (column {@code reminders.repeat}; the tool's {@code repeat} argument). */
public enum Repeat {
    DAILY, WEEKDAYS, WEEKLY, MONTHLY;

    /** The column's and the tool's spelling. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** null for null or blank (a one-off reminder). */
    public static Repeat parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (Repeat r : values()) {
            if (r.value().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException(value);
    }

    /** Whether a reminder of this kind may fire on that day (weekdays: Monday to Friday). */
    boolean firesOn(LocalDate day) {
        return this != WEEKDAYS || (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY);
    }
}
