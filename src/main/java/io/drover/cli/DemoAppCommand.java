package io.drover.cli;

import io.drover.demo.DemoApp;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code drover demo-app}: the quick start's workload ({@link DemoApp}) on {@code $PORT}, which the
 * node agent sets for the pod's first containerPort. Exits 0 once SIGTERM's graceful stop is done.
 */
@Command(
        name = "demo-app",
        mixinStandardHelpOptions = true,
        description = {"Serve HTTP on $PORT, answering GET / with \"Hello from <pod name>\" and GET /healthz with ok.",
                "The name is $POD_NAME, else $HOSTNAME; $VERSION, when set, is added to the answer."})
final class DemoAppCommand implements Callable<Integer> {

    @Option(
            names = "--drain-timeout",
            description = "How long SIGTERM waits for requests in flight (ISO-8601 duration, default: PT25S, "
                    + "within Kubernetes' default grace period of 30 s).")
    Duration drainTimeout = Duration.ofSeconds(25);

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        int port = port(env.get("PORT"));
        String name = name(env);
        DemoApp app = DemoApp.start(port, name, env.get("VERSION"));
        // The JVM's status after SIGTERM is 143 even when the shutdown hooks finish cleanly; a pod
        // that stopped gracefully should report 0 (Completed), so the hook ends the JVM itself.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop(drainTimeout);
            Runtime.getRuntime().halt(0);
        }, "demo-app-shutdown"));
        System.out.println("demo-app: " + name + " serving HTTP on port " + app.port());
        new CountDownLatch(1).await();
        return 0;
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("demo-app: PORT is not set (the node agent sets it for a "
                    + "containerPort; by hand: PORT=8080 drover demo-app)");
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("demo-app: PORT: " + value + " (expected: a port number 1-65535)");
    }

    private static String name(Map<String, String> env) throws UnknownHostException {
        for (String key : new String[] {"POD_NAME", "HOSTNAME"}) {
            String value = env.get(key);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return InetAddress.getLocalHost().getHostName();
    }
}
