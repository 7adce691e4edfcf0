package io.drover.testing;

import static org.awaitility.Awaitility.await;

import io.drover.server.ServerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestCluster} for a test class: started before its first test, closed after its last.
 * Register it as a static field: {@code @RegisterExtension static final SharedCluster CLUSTER = new SharedCluster();}
 * The class's {@code @Nested} classes run on the same cluster (JUnit calls the extension for each of
 * them too; only the class that started the cluster closes it).
 */
public final class SharedCluster implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<ServerOptions> options;
    private Class<?> owner;
    private TestCluster cluster;

    /** A cluster with the test defaults' server options. */
    public SharedCluster() {
        this(options -> options);
    }

    /**
     * A cluster whose server options are the test defaults changed by {@code options}, as
     * {@link TestCluster#start(UnaryOperator)}; applied when the cluster starts, before the class's
     * {@code @BeforeAll} methods run.
     */
    public SharedCluster(UnaryOperator<ServerOptions> options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (owner != null) {
            return; // a @Nested class of the owner
        }
        owner = context.getRequiredTestClass();
        cluster = TestCluster.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        TestCluster started = cluster;
        owner = null;
        cluster = null;
        if (started != null) {
            started.close();
        }
    }

    public TestCluster cluster() {
        return cluster;
    }

    public KubernetesClient client() {
        return cluster.client();
    }

    /** Deletes every pod of {@code namespace} at once (grace 0) and waits, boundedly, until none is left. */
    public void deletePods(String namespace) {
        client().pods().inNamespace(namespace).withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client().pods().inNamespace(namespace).list()
                .getItems().isEmpty());
    }
}
