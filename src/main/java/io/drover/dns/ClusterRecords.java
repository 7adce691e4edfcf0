package io.drover.dns;

import io.drover.controller.Informers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The cluster zone kept current from the API, as CoreDNS's kubernetes plugin: informers on all
 * Services, EndpointSlices and Namespaces, and after any change the whole {@link RecordIndex} is rebuilt on one
 * thread and swapped in. Changes that arrive while a rebuild runs are folded into one more rebuild,
 * so a burst of events costs two builds, and queries never wait for one.
 */
final class ClusterRecords implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterRecords.class);

    private final Name zone;
    private final long ttl;
    private final List<InetAddress> serverAddresses;
    private final AtomicReference<RecordIndex> current;
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final ExecutorService rebuilder =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("dns-index").daemon().factory());
    private long serial = Instant.now().getEpochSecond();
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Namespace> namespaces;

    private ClusterRecords(Name zone, long ttl, List<InetAddress> serverAddresses) {
        this.zone = zone;
        this.ttl = ttl;
        this.serverAddresses = List.copyOf(serverAddresses);
        this.current = new AtomicReference<>(RecordIndex.empty(List.of(zone), ServiceRecords.soa(zone, ttl, serial)));
    }

    /**
     * Starts the informers and returns once the first full index is in place. {@code serverAddresses}
     * are the DNS server's own addresses, which name the zone's name servers ({@link NameServers}).
     */
    static ClusterRecords start(KubernetesClient client, Name zone, long ttl, List<InetAddress> serverAddresses) {
        ClusterRecords records = new ClusterRecords(zone, ttl, serverAddresses);
        ResourceEventHandler<HasMetadata> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                records.changed();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                records.changed();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                records.changed();
            }
        };
        try {
            records.services = Informers.keepWatching(client.services().inAnyNamespace().runnableInformer(0));
            records.services.addEventHandler(handler(onChange)).run();
            records.slices = Informers.keepWatching(
                    client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
            records.slices.addEventHandler(handler(onChange)).run();
            records.namespaces = Informers.keepWatching(client.namespaces().runnableInformer(0));
            records.namespaces.addEventHandler(handler(onChange)).run();
            records.rebuild();
            return records;
        } catch (RuntimeException e) {
            records.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> ResourceEventHandler<T> handler(ResourceEventHandler<HasMetadata> h) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
    }

    RecordIndex index() {
        return current.get();
    }

    private void changed() {
        if (rebuilder.isShutdown() || !rebuildPending.compareAndSet(false, true)) {
            return;
        }
        try {
            rebuilder.execute(() -> {
                rebuildPending.set(false);
                rebuild();
            });
        } catch (RejectedExecutionException e) {
            // closed between the check and here: the index is no longer served
        }
    }

    private synchronized void rebuild() {
        if (services == null || slices == null || namespaces == null) {
            return; // an event while the informers are still starting: start() rebuilds after
        }
        try {
            List<String> namespaceNames = namespaces.getStore().list().stream().map(n -> n.getMetadata().getName())
                    .toList();
            RecordIndex index = ServiceRecords.build(zone, ttl, ++serial, namespaceNames, services.getStore().list(),
                    slices.getStore().list(), serverAddresses);
            current.set(index);
            log.debug("DNS index rebuilt: {} names", index.size());
        } catch (RuntimeException e) {
            log.warn("rebuilding the DNS index failed; still answering from the previous one", e);
        }
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
        if (slices != null) {
            slices.close();
        }
        if (namespaces != null) {
            namespaces.close();
        }
        rebuilder.shutdownNow();
    }
}
