package io.drover.agent.runtime.process;

import io.drover.agent.runtime.process.ProcFs.Stat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sessions that commands exec'd into tasks without a cgroup lead, per task, so that stopping
 * a task reaches them: {@code kubectl exec} starts each command in a session of its own, which
 * the task's session does not contain (with a cgroup, the command joins the task's cgroup and
 * needs none of this). Kept in memory: commands exec'd before an agent restart are not known.
 *
 * <p>A session id is its leader's pid, and the kernel does not hand that pid out again while any
 * process of the session lives. Once the session is empty it may, to a process that makes a
 * session of its own (every task does), so each session is remembered with its leader's start
 * time, one whose id now belongs to another process is dropped, and empty ones are dropped as
 * further sessions are adopted.
 */
final class AdoptedSessions {
    /** The leader had ended before it was adopted; its session lives while any member does. */
    private static final long LEADER_UNKNOWN = -1;

    private record Adopted(long sessionId, long leaderStart) {
        /** The session's id is still this session's: its leader lives, or is gone (the id then stays reserved while members live). */
        boolean idStillOurs() {
            return ProcFs.stat(sessionId)
                    .map(leader -> leaderStart != LEADER_UNKNOWN && leader.startTime() == leaderStart)
                    .orElse(true);
        }

        boolean leaderAlive() {
            return ProcFs.stat(sessionId).filter(s -> s.startTime() == leaderStart && !s.ended()).isPresent();
        }
    }

    private final Map<String, Set<Adopted>> byTask = new HashMap<>();

    /** Adds the session {@code sessionId} to the task's, dropping those that have ended. */
    synchronized void add(String task, long sessionId) {
        long leaderStart = ProcFs.stat(sessionId).map(Stat::startTime).orElse(LEADER_UNKNOWN);
        Set<Adopted> sessions = byTask.computeIfAbsent(task, t -> new HashSet<>());
        sessions.removeIf(a -> !a.idStillOurs());
        Set<Long> leaderless = sessions.stream().filter(a -> !a.leaderAlive()).map(Adopted::sessionId)
                .collect(Collectors.toSet());
        if (!leaderless.isEmpty()) {
            Set<Long> inhabited = ProcFs.sessions(leaderless).stream().map(Stat::session).collect(Collectors.toSet());
            sessions.removeIf(a -> leaderless.contains(a.sessionId()) && !inhabited.contains(a.sessionId()));
        }
        sessions.add(new Adopted(sessionId, leaderStart));
    }

    /** Forgets the task's sessions and returns their ids, those still this task's. */
    synchronized Set<Long> take(String task) {
        Set<Adopted> sessions = byTask.remove(task);
        if (sessions == null) {
            return Set.of();
        }
        return sessions.stream().filter(Adopted::idStillOurs).map(Adopted::sessionId).collect(Collectors.toSet());
    }
}
