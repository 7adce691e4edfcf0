package io.drover.api.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** How the API server reaches a node's kubelet-style server (logs and exec). */
public interface NodeConnections {

    /** {@code https://<address>:<daemonEndpoints.kubeletEndpoint.Port>} of {@code node}. */
    URI kubeletBase(ObjectNode node);

    /** Trusts the node's serving certificate (and presents the API server's client certificate, if any). */
    SSLContext sslContext();

    /** The {@code Authorization} header value the node accepts from the API server, if it needs one. */
    Optional<String> authorization();
}
