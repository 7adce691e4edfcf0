package io.drover.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CriLineTest {

    @Test
    void writesTheCriFormatWithNineFractionDigits() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CriLine(Instant.parse("2016-10-06T00:17:09.669794202Z"), CriLine.Stream.STDOUT, false,
                bytes("hello world")).writeTo(out);
        new CriLine(Instant.parse("2016-10-06T00:17:10Z"), CriLine.Stream.STDERR, true, bytes("")).writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "2016-10-06T00:17:09.669794202Z stdout F hello world\n"
                        + "2016-10-06T00:17:10.000000000Z stderr P \n");
    }

    @Test
    void parsesWhatItWritesAndContainerdsTrimmedFractions() {
        CriLine line = parse("2016-10-06T00:17:09.6697942Z stderr P  two  spaces ");
        assertThat(line.time()).isEqualTo(Instant.parse("2016-10-06T00:17:09.669794200Z"));
        assertThat(line.stream()).isEqualTo(CriLine.Stream.STDERR);
        assertThat(line.partial()).isTrue();
        assertThat(new String(line.content(), StandardCharsets.UTF_8)).isEqualTo(" two  spaces ");
        assertThat(parse("2016-10-06T00:17:09Z stdout F").content()).isEmpty();
    }

    @Test
    void refusesWhatIsNotARecord() {
        assertThat(parse("plain text")).isNull();
        assertThat(parse("2016-10-06T00:17:09Z stdin F x")).isNull();
        assertThat(parse("2016-10-06T00:17:09Z stdout X x")).isNull();
        assertThat(parse("yesterday stdout F x")).isNull();
        assertThat(parse("2016-10-06T00:17:09Z stdout Fx")).isNull();
    }

    private static CriLine parse(String s) {
        byte[] b = bytes(s);
        return CriLine.parse(b, 0, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
