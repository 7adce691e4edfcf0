package io.drover.testing;

import io.drover.server.ServerOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd and two control-plane servers on it (no node agent) for a test class: drover's HA shape, for tests of
 * what servers sharing a datastore must agree on. Started before the class's first test (skipped with a message
 * where etcd is not installed, outside CI); both servers, then etcd, stopped after its last.
 */
public final class ServersOnEtcd implements BeforeAllCallback, AfterAllCallback {
    private EtcdProcess etcd;
    private TestCluster one;
    private TestCluster two;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Requirements.etcd();
        etcd = EtcdProcess.start();
        one = TestCluster.start(this::onEtcd);
        two = TestCluster.start(this::onEtcd);
    }

    private ServerOptions onEtcd(ServerOptions o) {
        return new ServerOptions(o.dataDir(), o.apiPort(), o.bindAddress(), etcd.endpoint().toString(),
                o.compactionInterval(), false, o.nodeName(), o.stopPodsOnClose(), o.restartBackoff(), o.kubeletPort(),
                o.hostPortRange(), o.clusterDns(), o.serviceRanges(), o.kernelForwarding());
    }

    public TestCluster one() {
        return one;
    }

    public TestCluster two() {
        return two;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            for (TestCluster server : new TestCluster[] {one, two}) {
                if (server != null) {
                    server.close();
                }
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }
}
