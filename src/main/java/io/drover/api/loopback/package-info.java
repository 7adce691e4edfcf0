/**
 * The in-process clients' transport to the API: fabric8's HTTP client SPI served by the
 * {@link io.drover.api.http.ApiRouter} of the same JVM, without a socket, TLS or HTTP framing.
 * Requests still pass authentication, admission, validation and encoding like any client's; only
 * the bytes skip the network.
 */
package io.drover.api.loopback;
