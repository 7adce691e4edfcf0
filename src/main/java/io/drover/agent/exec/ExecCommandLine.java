package io.drover.agent.exec;

import io.drover.agent.runtime.MountNamespace;
import io.drover.agent.runtime.Pty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host command line that runs an exec'd command the way the container's own processes run
 * (see {@code ProcessRuntime}): {@code setsid} makes it lead its own session and process group, so
 * the whole tree can be signalled at once; {@code env -i --default-signal -- NAME=VALUE...} gives it exactly the
 * container's environment and default signal dispositions; it starts in the container's working
 * directory (set by the caller). With a cgroup, a tiny {@code sh} writes its own pid into the
 * cgroup's {@code cgroup.procs} before it {@code exec}s the rest, so the command is under the
 * container's limits from its first instruction on; the pid never changes along the chain. A
 * container in a mount namespace of its own (a pod's resolv.conf, as root) is entered first with
 * {@code nsenter --mount}, which also execs in place.
 *
 * <p>TTY mode: the command runs on a pty of its own ({@link Pty#wrap}, with the container's SHELL).
 * {@code TERM=xterm} is added when the container sets no TERM, as containerd does for a TTY exec.
 */
final class ExecCommandLine {
    /** The PATH a container without one gets, as the process runtime gives its tasks. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Writes its own pid ({@code 0}: the writer) to each cgroup.procs file in {@code $0}, then execs the rest. */
    private static final String JOIN_CGROUP = "for f in $0; do printf '0\\n' > \"$f\" || exit 126; done; exec \"$@\"";

    private ExecCommandLine() {}

    static List<String> of(ExecTarget target, ExecOptions options) {
        List<String> line = new ArrayList<>(MountNamespace.enter(target.mountNamespace(), target.workingDir()));
        line.add("setsid");
        if (!target.cgroupProcs().isEmpty()) {
            line.addAll(List.of("/bin/sh", "-c", JOIN_CGROUP,
                    String.join(" ", target.cgroupProcs().stream().map(Path::toString).toList())));
        }
        // "--" ends env's options; the NAME=VALUE operands follow it, then the command.
        line.addAll(List.of("env", "-i", "--default-signal", "--"));
        Map<String, String> env = new TreeMap<>(target.env());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        if (options.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        env.forEach((name, value) -> line.add(name + "=" + value));
        line.addAll(target.security().setpriv());
        if (options.tty()) {
            line.addAll(Pty.wrap(options.command()));
        } else {
            line.addAll(options.command());
        }
        return line;
    }

    /** A fixed environment for the launcher chain itself (setsid, sh), so nothing of the agent leaks. */
    static Map<String, String> launcherEnvironment() {
        return Map.of("PATH", DEFAULT_PATH, "LC_ALL", "C");
    }
}
