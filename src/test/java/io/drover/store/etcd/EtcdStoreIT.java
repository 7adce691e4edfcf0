package io.drover.store.etcd;

import io.drover.store.Store;
import io.drover.store.StoreContractTest;
import io.drover.testing.EtcdProcess;
import io.drover.testing.Requirements;
import java.util.List;

/** The store contract against a real etcd child process. */
class EtcdStoreIT extends StoreContractTest {

    private EtcdProcess etcd;

    @Override
    protected Store openStore() throws Exception {
        Requirements.etcd();
        etcd = EtcdProcess.start();
        return EtcdStore.connect(List.of(etcd.endpoint()));
    }

    @Override
    protected void cleanUp() {
        if (etcd != null) {
            etcd.close();
        }
    }
}
