package io.drover.testing;

import io.drover.server.ServerOptions;

/**
 * A real etcd and two control-plane servers on it (no node agent): drover's HA shape, for tests of what servers
 * sharing a datastore must agree on. Close stops both servers, then etcd.
 */
public final class ServersOnEtcd implements AutoCloseable {
    private final EtcdProcess etcd;
    private final TestCluster one;
    private final TestCluster two;

    private ServersOnEtcd(EtcdProcess etcd, TestCluster one, TestCluster two) {
        this.etcd = etcd;
        this.one = one;
        this.two = two;
    }

    /** Starts etcd and the two servers; whatever started is stopped again when a later part fails. */
    public static ServersOnEtcd start() throws Exception {
        Requirements.etcd();
        EtcdProcess etcd = EtcdProcess.start();
        TestCluster one = null;
        try {
            one = TestCluster.start(o -> onEtcd(o, etcd));
            return new ServersOnEtcd(etcd, one, TestCluster.start(o -> onEtcd(o, etcd)));
        } catch (Exception | Error e) {
            if (one != null) {
                one.close();
            }
            etcd.close();
            throw e;
        }
    }

    private static ServerOptions onEtcd(ServerOptions o, EtcdProcess etcd) {
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
    public void close() {
        try {
            one.close();
            two.close();
        } finally {
            etcd.close();
        }
    }
}
