package io.drover.agent.logs;

import java.time.Instant;

/**
 * What part of a container log to return, as the kubelet's {@code /containerLogs} takes it.
 *
 * @param follow keep streaming until the run ends or the client goes away
 * @param tailLines the last this many records only; negative for all
 * @param since only records at or after this time; null for all
 * @param timestamps prefix each line with its time (RFC3339 with nanoseconds) and a space
 * @param limitBytes stop after this many bytes, even within a line; negative for no limit
 */
public record LogOptions(boolean follow, long tailLines, Instant since, boolean timestamps, long limitBytes) {

    public static final LogOptions ALL = new LogOptions(false, -1, null, false, -1);
}
