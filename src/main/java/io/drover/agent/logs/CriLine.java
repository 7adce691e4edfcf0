package io.drover.agent.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One record of a container log in the CRI format the kubelet reads ({@code
 * 2016-10-06T00:17:09.669794202Z stdout F line}): when the line was read, its stream, whether it
 * is a full line ({@code F}) or a fragment of a longer one ({@code P}), and its bytes without the
 * newline. Content stays bytes: a program's output need not be UTF-8.
 */
public record CriLine(Instant time, Stream stream, boolean partial, byte[] content) {

    /** The two output streams of a container. */
    public enum Stream {
        STDOUT("stdout"), STDERR("stderr");

        final String tag;

        Stream(String tag) {
            this.tag = tag;
        }
    }

    /**
     * Kubernetes' RFC3339NanoFixed: always nine fraction digits, so records sort as text and the
     * {@code --timestamps} output has a fixed width.
     */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The record as stored: {@code <time> <stream> <F|P> <content>\n}. */
    public void writeTo(ByteArrayOutputStream out) {
        out.writeBytes(formatTime(time).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(stream.tag.getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.write(partial ? 'P' : 'F');
        out.write(' ');
        out.writeBytes(content);
        out.write('\n');
    }

    public static String formatTime(Instant time) {
        return TIME.format(time);
    }

    /**
     * Parses one stored record, {@code length} bytes from {@code offset} without the newline; null
     * when it is not a CRI record (the reader skips it, as the kubelet skips what it cannot parse).
     * The time may have any number of fraction digits (containerd writes RFC3339Nano, which drops
     * trailing zeros).
     */
    public static CriLine parse(byte[] buf, int offset, int length) {
        int end = offset + length;
        int timeEnd = indexOf(buf, offset, end, (byte) ' ');
        if (timeEnd < 0) {
            return null;
        }
        int streamEnd = indexOf(buf, timeEnd + 1, end, (byte) ' ');
        if (streamEnd < 0 || streamEnd + 2 > end) {
            return null;
        }
        Instant time;
        try {
            time = Instant.parse(new String(buf, offset, timeEnd - offset, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            return null;
        }
        String streamName = new String(buf, timeEnd + 1, streamEnd - timeEnd - 1, StandardCharsets.US_ASCII);
        Stream stream = switch (streamName) {
            case "stdout" -> Stream.STDOUT;
            case "stderr" -> Stream.STDERR;
            default -> null;
        };
        byte tag = buf[streamEnd + 1];
        if (stream == null || (tag != 'F' && tag != 'P')) {
            return null;
        }
        int contentStart = Math.min(end, streamEnd + 3); // "F " then the content, which may be empty
        if (streamEnd + 2 < end && buf[streamEnd + 2] != ' ') {
            return null;
        }
        byte[] content = new byte[end - contentStart];
        System.arraycopy(buf, contentStart, content, 0, content.length);
        return new CriLine(time, stream, tag == 'P', content);
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
