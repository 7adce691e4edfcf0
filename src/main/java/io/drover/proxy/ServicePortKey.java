package io.drover.proxy;

/** One port of one Service, as EndpointSlice ports name it (port name "" when the Service has one unnamed port). */
record ServicePortKey(String namespace, String service, String portName, String protocol) {}
