package io.drover.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against a kubeconfig, with a bounded wait. */
public final class Kubectl {
    /** What one kubectl run printed and how it ended. */
    public record Run(int exitCode, String stdout, String stderr) {
        public Run requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("kubectl failed (" + exitCode + "): " + stderr + stdout);
            }
            return this;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path cacheDir;

    public Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
    }

    public Run run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    public Run runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread readOut = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
        Thread readErr = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        readOut.join();
        readErr.join();
        return new Run(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    /**
     * Starts a kubectl that runs until stopped (port-forward, get -w), with no input; the caller
     * reads its output and destroys it.
     */
    public Process start(String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", cacheDir.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
