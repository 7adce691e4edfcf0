package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.Requirements;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A written kubeconfig, and kubectl using it against a TLS server with the cluster credentials. */
class KubeconfigIT {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    @Test
    void writesTheRenderedTextOwnerOnly() throws Exception {
        Path file = dir.resolve("kubeconfig");
        Kubeconfig.write(file, URI.create("https://127.0.0.1:6443"), PEM, "abc123", "admin");

        assertThat(Files.readString(file))
                .isEqualTo(Kubeconfig.render(URI.create("https://127.0.0.1:6443"), PEM, "abc123", "admin"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void kubectlReachesTheServerWithOnlyTheKubeconfig() throws Exception {
        Path kubectl = Requirements.kubectl();
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dir.resolve("data"));
        try (TestHttpsServer server = TestHttpsServer.start(credentials)) {
            Path kubeconfig = dir.resolve("data/kubeconfig");
            Kubeconfig.write(kubeconfig, URI.create("https://127.0.0.1:" + server.port()),
                    credentials.caCertificatePem(), credentials.adminToken(), "admin");

            KubectlRun run = kubectlVersion(kubectl, kubeconfig);

            assertThat(run.exitCode()).as("kubectl exit code; stderr: %s", run.stderr()).isZero();
            assertThat(run.stdout().replaceAll("\\s", ""))
                    .containsPattern("\"serverVersion\":\\{[^}]*\"minor\":\"32\"");
        }
    }

    @Test
    void kubectlRefusesAServerItsCaDidNotSign() throws Exception {
        Path kubectl = Requirements.kubectl();
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dir.resolve("data"));
        ClusterCredentials stranger = ClusterCredentials.loadOrCreate(dir.resolve("other"));
        try (TestHttpsServer server = TestHttpsServer.start(credentials)) {
            Path kubeconfig = dir.resolve("other/kubeconfig");
            Kubeconfig.write(kubeconfig, URI.create("https://127.0.0.1:" + server.port()),
                    stranger.caCertificatePem(), credentials.adminToken(), "admin");

            KubectlRun run = kubectlVersion(kubectl, kubeconfig);

            assertThat(run.exitCode()).isNotZero();
            assertThat(run.stderr()).contains("x509");
        }
    }

    private record KubectlRun(int exitCode, String stdout, String stderr) {}

    private KubectlRun kubectlVersion(Path kubectl, Path kubeconfig) throws Exception {
        Path out = Files.createTempFile(dir, "kubectl", ".out");
        Path err = Files.createTempFile(dir, "kubectl", ".err");
        Process process = new ProcessBuilder(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
                        "--cache-dir", dir.resolve("cache").toString(), "version", "-o", "json"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean exited = process.waitFor(20, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(exited).as("kubectl exited within 20 s; stderr: %s", Files.readString(err)).isTrue();
        return new KubectlRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
