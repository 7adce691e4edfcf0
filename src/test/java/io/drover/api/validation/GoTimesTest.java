package io.drover.api.validation;

import static io.drover.api.validation.GoTimes.RFC3339;
import static io.drover.api.validation.GoTimes.RFC3339_MICRO;
import static io.drover.api.validation.GoTimes.parseError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's time.Parse verdicts and messages for metav1.Time and MicroTime, as Go 1.23 gives them. */
class GoTimesTest {

    @Test
    void acceptsWhatGoAccepts() {
        assertThat(parseError(RFC3339, "2024-02-29T10:00:00Z")).isNull();
        assertThat(parseError(RFC3339, "2024-01-01T10:00:00.123456789Z")).isNull();
        assertThat(parseError(RFC3339, "2024-01-01T10:00:00,5+01:00")).isNull();
        assertThat(parseError(RFC3339, "2024-01-01T1:00:00-24:00")).isNull(); // a one-digit hour, a 24h offset
        assertThat(parseError(RFC3339_MICRO, "2024-01-01T10:00:00.123456Z")).isNull();
        assertThat(parseError(RFC3339_MICRO, "2024-01-01T10:00:00.000001+05:30")).isNull();
    }

    @Test
    void namesTheElementItCannotParse() {
        assertThat(parseError(RFC3339, "garbage")).isEqualTo(
                "parsing time \"garbage\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"garbage\" as \"2006\"");
        assertThat(parseError(RFC3339, "")).isEqualTo(
                "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"2006\"");
        assertThat(parseError(RFC3339, "2024-01-01")).isEqualTo(
                "parsing time \"2024-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"");
        assertThat(parseError(RFC3339, "2024-1-01T10:00:00Z")).endsWith("cannot parse \"1-01T10:00:00Z\" as \"01\"");
        assertThat(parseError(RFC3339, "2024-01-01T10:00:00+0100")).endsWith(
                "cannot parse \"+0100\" as \"Z07:00\"");
        assertThat(parseError(RFC3339, "2024-01-01T10:00:00 UTC")).endsWith("cannot parse \" UTC\" as \"Z07:00\"");
    }

    @Test
    void aMicroTimeHasExactlySixFractionalDigits() {
        assertThat(parseError(RFC3339_MICRO, "2024-01-01T10:00:00Z")).isEqualTo("parsing time "
                + "\"2024-01-01T10:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"");
        assertThat(parseError(RFC3339_MICRO, "2024-01-01T10:00:00.123Z")).endsWith(
                "cannot parse \".123Z\" as \".000000\"");
        assertThat(parseError(RFC3339_MICRO, "2024-01-01T10:00:00.1234567Z")).endsWith(
                "cannot parse \"7Z\" as \"Z07:00\"");
    }

    @Test
    void valuesOutOfRangeAreNamed() {
        assertThat(parseError(RFC3339, "2024-13-01T00:00:00Z")).isEqualTo(
                "parsing time \"2024-13-01T00:00:00Z\": month out of range");
        assertThat(parseError(RFC3339, "2023-02-29T00:00:00Z")).isEqualTo(
                "parsing time \"2023-02-29T00:00:00Z\": day out of range");
        assertThat(parseError(RFC3339, "2024-04-31T00:00:00Z")).endsWith(": day out of range");
        assertThat(parseError(RFC3339, "2024-01-01T24:00:00Z")).endsWith(": hour out of range");
        assertThat(parseError(RFC3339, "2024-01-01T00:60:00Z")).endsWith(": minute out of range");
        assertThat(parseError(RFC3339, "2024-01-01T00:00:60Z")).endsWith(": second out of range");
        assertThat(parseError(RFC3339, "2024-01-01T00:00:00+25:00")).endsWith(": time zone offset hour out of range");
    }

    @Test
    void extraTextIsQuotedByteByByteAsGoQuotesIt() {
        assertThat(parseError(RFC3339, "2024-01-01T00:00:00Zjunk")).isEqualTo(
                "parsing time \"2024-01-01T00:00:00Zjunk\": extra text: \"junk\"");
        assertThat(parseError(RFC3339, "2024-01-01T00:00:00Z\u00e9\"")).isEqualTo(
                "parsing time \"2024-01-01T00:00:00Z\\xc3\\xa9\\\"\": extra text: \"\\xc3\\xa9\\\"\"");
    }
}
