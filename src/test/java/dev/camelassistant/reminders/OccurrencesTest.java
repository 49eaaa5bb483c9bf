package dev.camelassistant.reminders;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Next occurrences in the assistant's time zone: wall-clock time across DST, weekdays, month ends, catching up. */
class OccurrencesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant at(String local, ZoneId zone) {
        return ZonedDateTime.of(LocalDateTime.parse(local), zone).toInstant();
    }

    private static String local(Instant i, ZoneId zone) {
        return i.atZone(zone).toLocalDateTime().toString();
    }

    @Test
    void aOneOffReminderHasNoNextOccurrence() {
        Instant a = at("2026-03-01T09:00", BERLIN);
        assertThat(Occurrences.nextAfter(a, null, a, BERLIN)).isNull();
    }

    @Test
    void dailyKeepsTheLocalTimeAcrossTheSpringAndAutumnChanges() {
        Instant anchor = at("2026-03-28T09:00", BERLIN); // the last day of CET
        Instant next = Occurrences.nextAfter(anchor, Repeat.DAILY, anchor, BERLIN);
        assertThat(local(next, BERLIN)).isEqualTo("2026-03-29T09:00");
        // 23 hours later in absolute time: the clock moved forward that night
        assertThat(next.getEpochSecond() - anchor.getEpochSecond()).isEqualTo(23 * 3600);

        Instant autumn = at("2026-10-24T09:00", BERLIN);
        Instant after = Occurrences.nextAfter(autumn, Repeat.DAILY, autumn, BERLIN);
        assertThat(local(after, BERLIN)).isEqualTo("2026-10-25T09:00");
        assertThat(after.getEpochSecond() - autumn.getEpochSecond()).isEqualTo(25 * 3600);
    }

    @Test
    void aLocalTimeTheSpringChangeSkipsFiresJustAfterTheGapAndTheNextDayAtItsOwnTimeAgain() {
        Instant anchor = at("2026-03-07T02:30", NEW_YORK); // 02:30 does not exist on 8 March 2026 in New York
        Instant gapDay = Occurrences.nextAfter(anchor, Repeat.DAILY, at("2026-03-07T12:00", NEW_YORK), NEW_YORK);
        assertThat(local(gapDay, NEW_YORK)).isEqualTo("2026-03-08T03:30");
        Instant dayAfter = Occurrences.nextAfter(anchor, Repeat.DAILY, gapDay, NEW_YORK);
        assertThat(local(dayAfter, NEW_YORK)).isEqualTo("2026-03-09T02:30");
    }

    @Test
    void weekdaysSkipSaturdayAndSunday() {
        Instant friday = at("2026-12-04T07:30", BERLIN);
        Instant next = Occurrences.nextAfter(friday, Repeat.WEEKDAYS, friday, BERLIN);
        assertThat(local(next, BERLIN)).isEqualTo("2026-12-07T07:30"); // Monday
        Instant tuesday = Occurrences.nextAfter(friday, Repeat.WEEKDAYS, next, BERLIN);
        assertThat(local(tuesday, BERLIN)).isEqualTo("2026-12-08T07:30");
        // positive control: daily does fire on the Saturday
        assertThat(local(Occurrences.nextAfter(friday, Repeat.DAILY, friday, BERLIN), BERLIN)).isEqualTo("2026-12-05T07:30");
    }

    @Test
    void aWeekdaysReminderAskedForOnASundayFirstFiresOnMonday() {
        Instant sunday = at("2026-12-06T07:30", BERLIN);
        assertThat(local(Occurrences.firstAtOrAfter(sunday, Repeat.WEEKDAYS, BERLIN), BERLIN)).isEqualTo("2026-12-07T07:30");
        assertThat(Occurrences.firstAtOrAfter(sunday, Repeat.WEEKLY, BERLIN)).isEqualTo(sunday);
        assertThat(Occurrences.firstAtOrAfter(sunday, null, BERLIN)).isEqualTo(sunday);
    }

    @Test
    void weeklyIsTheSameWeekdayAndLocalTime() {
        Instant anchor = at("2026-10-20T18:00", BERLIN);
        Instant next = Occurrences.nextAfter(anchor, Repeat.WEEKLY, anchor, BERLIN);
        assertThat(local(next, BERLIN)).isEqualTo("2026-10-27T18:00"); // across the autumn change
    }

    @Test
    void monthlyOnThe31stIsClampedInShortMonthsAndReturnsToThe31st() {
        Instant anchor = at("2026-01-31T10:00", BERLIN);
        Instant feb = Occurrences.nextAfter(anchor, Repeat.MONTHLY, anchor, BERLIN);
        assertThat(local(feb, BERLIN)).isEqualTo("2026-02-28T10:00");
        Instant mar = Occurrences.nextAfter(anchor, Repeat.MONTHLY, feb, BERLIN);
        assertThat(local(mar, BERLIN)).isEqualTo("2026-03-31T10:00");
        Instant apr = Occurrences.nextAfter(anchor, Repeat.MONTHLY, mar, BERLIN);
        assertThat(local(apr, BERLIN)).isEqualTo("2026-04-30T10:00");
        Instant leap = Occurrences.nextAfter(at("2028-01-31T10:00", BERLIN), Repeat.MONTHLY, at("2028-02-01T00:00", BERLIN), BERLIN);
        assertThat(local(leap, BERLIN)).isEqualTo("2028-02-29T10:00");
    }

    @Test
    void afterADowntimeTheNextOccurrenceIsTheFirstAfterNowNotEachMissedOne() {
        Instant anchor = at("2026-01-05T08:00", BERLIN);
        Instant now = at("2026-06-17T12:00", BERLIN); // a Wednesday
        assertThat(local(Occurrences.nextAfter(anchor, Repeat.DAILY, now, BERLIN), BERLIN)).isEqualTo("2026-06-18T08:00");
        assertThat(local(Occurrences.nextAfter(anchor, Repeat.WEEKLY, now, BERLIN), BERLIN)).isEqualTo("2026-06-22T08:00");
        assertThat(local(Occurrences.nextAfter(anchor, Repeat.MONTHLY, now, BERLIN), BERLIN)).isEqualTo("2026-07-05T08:00");
        Instant friday = at("2026-06-19T12:00", BERLIN);
        assertThat(local(Occurrences.nextAfter(anchor, Repeat.WEEKDAYS, friday, BERLIN), BERLIN)).isEqualTo("2026-06-22T08:00");
    }

    @Test
    void theNextOccurrenceIsStrictlyAfterItsExactTime() {
        Instant anchor = at("2026-05-01T09:00", BERLIN);
        Instant second = at("2026-05-02T09:00", BERLIN);
        assertThat(Occurrences.nextAfter(anchor, Repeat.DAILY, second, BERLIN)).isEqualTo(at("2026-05-03T09:00", BERLIN));
        assertThat(Occurrences.nextAfter(anchor, Repeat.DAILY, second.minusMillis(1), BERLIN)).isEqualTo(second);
    }

    @Test
    void theLocalTimeIsTheAssistantsZoneNotTheOffsetTheTimeWasGivenIn() {
        // asked as 08:00Z = 09:00 in Berlin in winter; in summer it stays 09:00 Berlin (07:00Z)
        Instant anchor = Instant.parse("2026-01-10T08:00:00Z");
        Instant summer = Occurrences.nextAfter(anchor, Repeat.MONTHLY, Instant.parse("2026-07-01T00:00:00Z"), BERLIN);
        assertThat(summer).isEqualTo(Instant.parse("2026-07-10T07:00:00Z"));
    }

    @Test
    void repeatParsesTheToolsSpellingsAndRefusesOthers() {
        assertThat(Repeat.parse(" Weekdays ")).isEqualTo(Repeat.WEEKDAYS);
        assertThat(Repeat.parse("")).isNull();
        assertThat(Repeat.parse(null)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Repeat.parse("hourly"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
