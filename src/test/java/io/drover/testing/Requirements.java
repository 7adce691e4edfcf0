package io.drover.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards for tests that need something from the machine. A missing tool that {@code .ci/run}
 * installs (etcd) skips the test off CI and fails it with {@code CI=true}, because a skipped test
 * on CI looks like a passing one and would hide a broken pipeline. kubectl is not installed by CI
 * (it is present on most machines but not a Debian package here), so its tests skip everywhere
 * with a clear reason when it is absent.
 */
public final class Requirements {
    private Requirements() {}

    /** Skips (or on CI fails) the calling test when no etcd binary is installed. */
    public static void etcd() {
        require(EtcdProcess.available(), "etcd binary not found on PATH or at /usr/bin/etcd");
    }

    /** Skips the calling test when kubectl is not installed; returns its path. */
    public static Path kubectl() {
        Path found = Executables.find("kubectl", Path.of("/usr/bin/kubectl"));
        Assumptions.assumeTrue(found != null, "kubectl not found on PATH or at /usr/bin/kubectl: skipping");
        return found;
    }

    static void require(boolean met, String missing) {
        if (met) {
            return;
        }
        if (onCi()) {
            Assertions.fail(missing + " (CI=true: tests must run, not skip)");
        }
        Assumptions.abort(missing);
    }

    private static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
