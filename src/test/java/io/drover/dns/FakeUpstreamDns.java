package io.drover.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/** A tiny UDP DNS server on 127.0.0.1 standing in for the host's resolver: fixed A records, else NXDOMAIN. */
final class FakeUpstreamDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, InetAddress> records;
    private final Thread loop;

    FakeUpstreamDns(Map<String, String> records) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.records = new java.util.HashMap<>();
        for (var entry : records.entrySet()) {
            this.records.put(Name.fromString(entry.getKey()), InetAddress.getByName(entry.getValue()));
        }
        this.loop = Thread.ofPlatform().name("fake-upstream-dns").daemon().start(this::serve);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.addRecord(query.getQuestion(), Section.QUESTION);
                InetAddress address = records.get(query.getQuestion().getName());
                if (address == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    response.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 300, address),
                            Section.ANSWER);
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // a malformed query: ignore it, as a real server would
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        loop.join();
    }
}
